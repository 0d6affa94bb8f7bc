using Mesh.Node.Identity;
using Mesh.Node.Tests.Support;
using Mesh.Protocol.Grpc;

namespace Mesh.Node.Tests.Identity;

/// <summary>The revoked serials a node holds: checked whole before use, merged, saved beside its identity.</summary>
public sealed class RevokedCertificatesTests
{
    [Fact]
    public void Offer_Saved_HeldAgainAfterRestart_NoTemporaryFileLeft()
    {
        using var dir = new TempDirectory();
        var revoked = new RevokedCertificates(dir.Path);
        var changed = 0;
        revoked.Changed += () => changed++;

        revoked.Offer(List("0A1B", "FF")).ShouldBe((2, null));
        revoked.Offer(List("FF", "0C")).ShouldBe((1, null), "only what is new counts");
        revoked.Offer(List("0C")).ShouldBe((0, null), "a shorter list from a hub that has not caught up drops nothing");

        changed.ShouldBe(2);
        var again = new RevokedCertificates(dir.Path);
        again.Count.ShouldBe(3);
        again.IsRevoked("0A1B").ShouldBeTrue();
        again.IsRevoked("0C").ShouldBeTrue();
        again.IsRevoked("0D").ShouldBeFalse();
        Directory.GetFiles(Path.GetDirectoryName(again.Path)!).ShouldBe([again.Path]);
    }

    [Theory]
    [InlineData(3, "its count says 3 serial(s) but it carries 2: the list was cut short or altered")]
    [InlineData(-1, "serials[1] 'not-hex' is not a certificate serial (1-40 upper-case hexadecimal digits)")]
    [InlineData(-2, "serials[1] '0A1B' is listed twice")]
    public void Offer_Malformed_RefusedWithReason_LastGoodListKept(int shape, string reason)
    {
        using var dir = new TempDirectory();
        var revoked = new RevokedCertificates(dir.Path);
        revoked.Offer(List("0A1B")).ShouldBe((1, null));
        var saved = File.ReadAllText(revoked.Path);
        var bad = shape switch
        {
            -1 => List("0C", "not-hex"),
            -2 => List("0A1B", "0A1B"),
            _ => List("0C", "0D"),
        };
        if (shape > 0)
            bad.Count = (ulong)shape;

        revoked.Offer(bad).ShouldBe((0, reason));

        revoked.Count.ShouldBe(1);
        revoked.IsRevoked("0C").ShouldBeFalse("nothing of a refused list is used");
        File.ReadAllText(revoked.Path).ShouldBe(saved);
    }

    [Fact]
    public void Load_DamagedFile_NodeStopsSayingWhichFileAndWhatToDo()
    {
        using var dir = new TempDirectory();
        var path = RevokedCertificates.PathIn(dir.Path);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, """{"serials":["0A","zz"]}""");

        var ex = Should.Throw<InvalidDataException>(() => new RevokedCertificates(dir.Path));

        ex.Message.ShouldBe($"{path} cannot be read (serials[1] 'zz' is not a certificate serial (1-40 upper-case hexadecimal digits)); "
            + "move it away and start the node: it gets the revoked certificates from its hub again when its control stream opens");
    }

    private static RevocationList List(params string[] serials) => RevocationList.Of(serials);
}
