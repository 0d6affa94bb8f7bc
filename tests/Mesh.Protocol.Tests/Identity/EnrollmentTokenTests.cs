using Mesh.Protocol.Identity;

namespace Mesh.Protocol.Tests.Identity;

public sealed class EnrollmentTokenTests
{
    private static readonly string Ca = new('a', 64);

    [Fact]
    public void Create_ThenParse_RoundTrips()
    {
        var token = EnrollmentToken.Create(Ca);

        var parsed = EnrollmentToken.Parse(token.ToString(), out var error);

        error.ShouldBeNull();
        parsed.ShouldBe(token);
        token.Secret.Length.ShouldBe(43);
    }

    [Fact]
    public void Create_TwoTokens_DifferInSecret() => EnrollmentToken.Create(Ca).Secret.ShouldNotBe(EnrollmentToken.Create(Ca).Secret);

    [Fact]
    public void Parse_SurroundingWhitespace_Accepted() =>
        EnrollmentToken.Parse($"  {EnrollmentToken.Create(Ca)}\n", out _).ShouldNotBeNull();

    [Theory]
    [InlineData("", "the enrollment token is empty")]
    [InlineData("abc", "two parts separated by one '.'")]
    [InlineData("a.b.c", "two parts separated by one '.'")]
    [InlineData("short.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "the token's secret (part 1, column 1) must be 43 base64url characters; got 5")]
    public void Parse_Malformed_SaysWhat(string text, string expected)
    {
        EnrollmentToken.Parse(text, out var error).ShouldBeNull();
        error!.ShouldContain(expected);
    }

    [Fact]
    public void Parse_FingerprintNotLowerHex_NamesPartAndColumn()
    {
        var secret = EnrollmentToken.Create(Ca).Secret;

        EnrollmentToken.Parse($"{secret}.{new string('A', 64)}", out var error).ShouldBeNull();

        error.ShouldBe($"the token's CA fingerprint (part 2, column 45) must be 64 lower-case hex digits (SHA-256); got '{new string('A', 64)}'");
    }

    [Fact]
    public void Parse_SecretWithNonBase64UrlCharacter_Refused()
    {
        var secret = EnrollmentToken.Create(Ca).Secret;
        EnrollmentToken.Parse($"{secret[..42]}+.{Ca}", out var error).ShouldBeNull();
        error!.ShouldStartWith("the token's secret (part 1, column 1)");
    }

    [Fact]
    public void HashSecret_IsStableHexAndDiffersPerSecret()
    {
        EnrollmentToken.HashSecret("x").ShouldBe(EnrollmentToken.HashSecret("x"));
        EnrollmentToken.HashSecret("x").ShouldNotBe(EnrollmentToken.HashSecret("y"));
        EnrollmentToken.HashSecret("x").ShouldMatch("^[0-9a-f]{64}$");
    }
}
