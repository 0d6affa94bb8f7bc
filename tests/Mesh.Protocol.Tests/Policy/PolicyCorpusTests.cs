using System.Text.RegularExpressions;
using Mesh.Protocol.Policy;

namespace Mesh.Protocol.Tests.Policy;

/// <summary>Every file in <c>Corpus/</c> is a broken policy whose first line says its first error:
/// <c># expect: LINE:COLUMN: message fragment</c>.</summary>
public partial class PolicyCorpusTests
{
    private static readonly string CorpusDirectory = Path.Combine(AppContext.BaseDirectory, "Policy", "Corpus");

    public static TheoryData<string> CorpusFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(CorpusDirectory, "*.yaml").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileName(file));
        return data;
    }

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public void LoadFile_BrokenPolicy_FirstErrorIsTheExpectedOne(string name)
    {
        var path = Path.Combine(CorpusDirectory, name);
        var expectation = ExpectPattern().Match(File.ReadLines(path).First());
        expectation.Success.ShouldBeTrue($"{name} must start with '# expect: LINE:COLUMN: message fragment'");

        var result = PolicyLoader.LoadFile(path);

        result.Ok.ShouldBeFalse();
        result.Policy.ShouldBeNull();
        var first = result.Errors[0];
        var expected = $"{expectation.Groups[1].Value}:{expectation.Groups[2].Value}: …{expectation.Groups[3].Value}…";
        $"{first.Line}:{first.Column}".ShouldBe($"{expectation.Groups[1].Value}:{expectation.Groups[2].Value}", $"expected {expected}, got {first}");
        first.Message.ShouldContain(expectation.Groups[3].Value, Case.Sensitive, $"expected {expected}, got {first}");
        first.File.ShouldBe(path);
    }

    [Fact]
    public void Corpus_Size_AtLeastThirtyFiveBrokenPolicies() =>
        Directory.GetFiles(CorpusDirectory, "*.yaml").Length.ShouldBeGreaterThanOrEqualTo(35);

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public void Parse_BrokenPolicy_ErrorsSortedByPosition(string name)
    {
        var result = PolicyLoader.Parse(File.ReadAllText(Path.Combine(CorpusDirectory, name)), name);

        result.Errors.ShouldNotBeEmpty();
        var positions = result.Errors.Select(e => (e.Line, e.Column)).ToList();
        positions.ShouldBe(positions.OrderBy(p => p.Line).ThenBy(p => p.Column).ToList());
        result.Errors.ShouldAllBe(e => e.Line >= 1 && e.Column >= 1 && e.File == name);
    }

    [GeneratedRegex(@"^# expect: (\d+):(\d+): (.+)$", RegexOptions.CultureInvariant)]
    private static partial Regex ExpectPattern();
}
