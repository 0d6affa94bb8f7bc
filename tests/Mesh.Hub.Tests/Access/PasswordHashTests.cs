using Mesh.Hub.Access;

namespace Mesh.Hub.Tests.Access;

public sealed class PasswordHashTests
{
    private static readonly Lazy<string> Hash = new(() => PasswordHash.Create("a long enough password"));

    [Fact]
    public void Create_ThenVerify_RightPasswordOnly()
    {
        Hash.Value.ShouldStartWith("pbkdf2-sha256$600000$");
        PasswordHash.Verify("a long enough password", Hash.Value).ShouldBeTrue();
        PasswordHash.Verify("a long enough passwore", Hash.Value).ShouldBeFalse();
        PasswordHash.Verify("", Hash.Value).ShouldBeFalse();
    }

    [Fact]
    public void Create_SamePasswordTwice_DifferentSalts()
    {
        PasswordHash.Create("a long enough password").ShouldNotBe(Hash.Value);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Verify_HashOrSaltTampered_False(int part)
    {
        var parts = Hash.Value.Split('$');
        var bytes = Convert.FromBase64String(parts[part]);
        bytes[0] ^= 1;
        parts[part] = Convert.ToBase64String(bytes);

        PasswordHash.Verify("a long enough password", string.Join('$', parts)).ShouldBeFalse();
    }

    [Fact]
    public void Verify_IterationsChanged_False()
    {
        var tampered = Hash.Value.Replace("$600000$", "$600001$", StringComparison.Ordinal);

        PasswordHash.Verify("a long enough password", tampered).ShouldBeFalse();
    }

    [Theory]
    [InlineData("", "is not 'pbkdf2-sha256$")]
    [InlineData("sha1$600000$c2FsdHNhbHRzYWx0c2FsdA==$aGFzaA==", "is not 'pbkdf2-sha256$")]
    [InlineData("pbkdf2-sha256$1000$c2FsdHNhbHRzYWx0c2FsdA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "iterations '1000' are outside")]
    [InlineData("pbkdf2-sha256$600000$c2FsdA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "the salt is not base64 of at least 16 bytes")]
    [InlineData("pbkdf2-sha256$600000$c2FsdHNhbHRzYWx0c2FsdA==$not base64", "the hash is not base64 of 32 bytes")]
    [InlineData("pbkdf2-sha256$600000$c2FsdHNhbHRzYWx0c2FsdA==$AAAA", "the hash is not base64 of 32 bytes")]
    public void TryParse_Malformed_SaysWhatIsWrong(string encoded, string problem)
    {
        PasswordHash.TryParse(encoded, out _, out var actual).ShouldBeFalse();
        actual.ShouldContain(problem);
        PasswordHash.Verify("anything at all", encoded).ShouldBeFalse();
    }

    [Fact]
    public void Create_TooFewIterations_Throws()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => PasswordHash.Create("a long enough password", 100_000));
    }
}
