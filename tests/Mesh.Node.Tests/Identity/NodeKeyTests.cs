using Mesh.Node.Identity;
using Mesh.Protocol.Identity;
using Mesh.Node.Tests.Support;

namespace Mesh.Node.Tests.Identity;

public sealed class NodeKeyTests
{
    [Fact]
    public void LoadOrCreate_MakesTheKeyOnceAndReadsTheSameKeyBack()
    {
        using var dir = new TempDirectory();
        string fingerprint;
        byte[] signature;
        using (var made = NodeKey.LoadOrCreate(dir.Path))
        {
            fingerprint = made.Fingerprint;
            signature = made.Sign("checkpoint"u8);
            if (!OperatingSystem.IsWindows())
                File.GetUnixFileMode(made.Path).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        using var read = NodeKey.LoadOrCreate(dir.Path);
        read.Fingerprint.ShouldBe(fingerprint);
        NodePublicKey.Verify(read.PublicKeyDer, "checkpoint"u8, signature).ShouldBeTrue();
        NodePublicKey.Verify(read.PublicKeyDer, "checkpoinT"u8, signature).ShouldBeFalse();
    }

    [Fact]
    public void LoadOrCreate_RefusesADamagedKeyFileInsteadOfReplacingIt()
    {
        using var dir = new TempDirectory();
        var path = NodeKey.PathFor(dir.Path);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n");

        var e = Should.Throw<InvalidDataException>(() => NodeKey.LoadOrCreate(dir.Path));
        e.Message.ShouldStartWith(path);
        File.ReadAllText(path).ShouldContain("not a key");
    }
}
