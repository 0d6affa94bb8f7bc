using System.Diagnostics;
using Mesh.Protocol.Devices;

namespace Mesh.Protocol.Tests.Devices;

/// <summary>Device password hashes are Mosquitto 2's <c>$7$</c> PBKDF2-SHA512, checked against the real mosquitto_passwd.</summary>
public class DevicePasswordTests
{
    [Fact]
    public void Hash_ThenVerify_RightPasswordOnly()
    {
        var password = DevicePassword.Generate();
        var hash = DevicePassword.Hash(password, DevicePassword.MinIterations);

        hash.ShouldStartWith($"$7${DevicePassword.MinIterations}$");
        hash.ShouldNotContain(password);
        DevicePassword.Verify(password, hash).ShouldBeTrue();
        DevicePassword.Verify(password + "x", hash).ShouldBeFalse();
        DevicePassword.Hash(password, DevicePassword.MinIterations).ShouldNotBe(hash, "each hash has its own salt");
    }

    [Fact]
    public void Generate_32Base64UrlCharacters_NoColon()
    {
        var passwords = Enumerable.Range(0, 50).Select(_ => DevicePassword.Generate()).ToList();
        passwords.Distinct().Count().ShouldBe(50);
        passwords.ShouldAllBe(p => p.Length == 32 && p.All(c => char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_'));
    }

    [Fact]
    public void Verify_HashWrittenByMosquittoPasswd_Accepted()
    {
        var file = Path.Combine(Path.GetTempPath(), "mesh-passwd-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            using var process = Process.Start(new ProcessStartInfo("mosquitto_passwd", ["-c", "-b", "-H", "sha512-pbkdf2", "-I", "1500", file, "dev-1", "s3cret-Pass"])
            {
                RedirectStandardError = true, RedirectStandardOutput = true,
            })!;
            process.WaitForExit(30_000).ShouldBeTrue();
            process.ExitCode.ShouldBe(0, process.StandardError.ReadToEnd());
            var hash = File.ReadAllText(file).Trim().Split(':', 2)[1];

            hash.ShouldStartWith("$7$1500$");
            DevicePassword.Check(hash).ShouldBeNull();
            DevicePassword.Verify("s3cret-Pass", hash).ShouldBeTrue();
            DevicePassword.Verify("s3cret-pass", hash).ShouldBeFalse();
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("hunter2", "never a plain-text password")]
    [InlineData("$6$abc$def", "never a plain-text password")]
    [InlineData("$7$101$c2FsdHNhbHRzYWx0$aGFzaA==", "101 iterations is outside 1000..10000000")]
    [InlineData("$7$20000$c2FsdA==$aGFzaA==", "is not '$7$<iterations>$<base64 salt>$<base64 64-byte hash>'")]
    [InlineData("$7$20000$!!$x", "is not '$7$<iterations>")]
    public void Check_NotAUsableHash_SaysWhy(string hash, string expected)
    {
        DevicePassword.Check(hash).ShouldNotBeNull().ShouldContain(expected);
        DevicePassword.Verify("anything", hash).ShouldBeFalse();
    }
}
