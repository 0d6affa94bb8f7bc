using System.Security.Cryptography;
using System.Text;
using Mesh.Protocol.Policy;

namespace Mesh.Protocol.Tests.Policy;

/// <summary>The loader's handling of the text as such: hashing, positions, sizes, encodings, error collection.</summary>
public class PolicyLoaderTextTests
{
    [Fact]
    public void Parse_SameText_SameSha256AndText()
    {
        var first = TestPolicies.Load(TestPolicies.Minimal);
        var second = TestPolicies.Load(TestPolicies.Minimal);

        second.Sha256.ShouldBe(first.Sha256);
        first.Sha256.ShouldBe(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(TestPolicies.Minimal))));
        first.Text.ShouldBe(TestPolicies.Minimal);
        first.Ref.ShouldBe($"v1/{first.Sha256[..12]}");
    }

    [Fact]
    public void Parse_TrailingNewlineAdded_Sha256Changes()
    {
        var without = TestPolicies.Load(TestPolicies.Minimal);
        var with = TestPolicies.Load(TestPolicies.Minimal + "\n");

        with.Sha256.ShouldNotBe(without.Sha256);
        PolicyDiff.Compare(without, with).HasChanges.ShouldBeFalse();
    }

    [Fact]
    public void Parse_SeveralProblems_ReportsEveryOneInPositionOrder()
    {
        var errors = TestPolicies.Errors("""
            site: demo
            version: 0
            rules:
              - id: r1
                when: { metric: temperature, gt: hot }
                action: cooling-on
                gaet: deny
            routing: { currency: eur }
            """);

        errors.Select(e => $"{e.Line}:{e.Column}").ShouldBe(["2:10", "5:38", "7:5", "8:22"]);
        errors.ShouldAllBe(e => e.File == "test.yaml");
    }

    [Fact]
    public void Parse_SyntaxErrorAfterOtherProblems_OnlyTheSyntaxError()
    {
        var errors = TestPolicies.Errors("site: demo\nversion: 0\nrules: [\n");

        var error = errors.ShouldHaveSingleItem();
        error.Message.ShouldStartWith("YAML syntax error");
    }

    [Fact]
    public void Parse_CrLfLineEndings_SamePositions()
    {
        const string text = "site: demo\nversion: 1\nrules:\n  - id: r1\n    when: { metric: t, gt: x }\n    action: a\n";

        var lf = TestPolicies.Errors(text).ShouldHaveSingleItem();
        var crlf = TestPolicies.Errors(text.Replace("\n", "\r\n", StringComparison.Ordinal)).ShouldHaveSingleItem();

        (crlf.Line, crlf.Column).ShouldBe((lf.Line, lf.Column));
        (lf.Line, lf.Column).ShouldBe((5, 28));
    }

    [Fact]
    public void Parse_OversizeText_OneErrorAtTheStart()
    {
        var text = TestPolicies.Minimal + "\n#" + new string('x', SitePolicy.MaxFileBytes);

        var error = TestPolicies.Errors(text).ShouldHaveSingleItem();

        (error.Line, error.Column).ShouldBe((1, 1));
        error.Message.ShouldContain($"at most {SitePolicy.MaxFileBytes} bytes");
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n\n")]
    [InlineData("# just a comment\n")]
    public void Parse_NoDocument_FileIsEmptyError(string text)
    {
        var error = TestPolicies.Errors(text).ShouldHaveSingleItem();

        error.ToString().ShouldBe("test.yaml:1:1: the file is empty; expected a policy mapping with site, version and rules");
    }

    [Fact]
    public void LoadFile_ByteOrderMark_SkippedAndNotHashed()
    {
        var path = Path.Combine(Path.GetTempPath(), $"policy-{Guid.NewGuid():N}.yaml");
        try
        {
            File.WriteAllBytes(path, [.. Encoding.UTF8.Preamble, .. Encoding.UTF8.GetBytes(TestPolicies.Minimal)]);

            var policy = PolicyLoader.LoadFile(path).Policy.ShouldNotBeNull();

            policy.Sha256.ShouldBe(PolicyLoader.Sha256(TestPolicies.Minimal));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void LoadFile_InvalidUtf8_OneErrorAtTheStart()
    {
        var path = Path.Combine(Path.GetTempPath(), $"policy-{Guid.NewGuid():N}.yaml");
        try
        {
            File.WriteAllBytes(path, [.. Encoding.UTF8.GetBytes("site: d"), 0xC3, 0x28, (byte)'\n']);

            var error = PolicyLoader.LoadFile(path).Errors.ShouldHaveSingleItem();

            error.ToString().ShouldBe($"{path}:1:1: the file is not valid UTF-8 text");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void LoadFile_MissingFile_OneErrorNamingThePathAsGiven()
    {
        var error = PolicyLoader.LoadFile("no/such/policy.yaml").Errors.ShouldHaveSingleItem();

        error.File.ShouldBe("no/such/policy.yaml");
        (error.Line, error.Column).ShouldBe((1, 1));
        error.Message.ShouldStartWith("cannot read the file");
    }
}
