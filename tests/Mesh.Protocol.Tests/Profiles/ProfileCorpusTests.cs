using System.Text.RegularExpressions;
using Mesh.Protocol.Profiles;

namespace Mesh.Protocol.Tests.Profiles;

/// <summary>Every file in <c>Corpus/</c> is a broken profile whose first line says its first error:
/// <c># expect: LINE:COLUMN: message fragment</c>. Each file's id is its name, except where the id is the error.</summary>
public partial class ProfileCorpusTests
{
    private static readonly string CorpusDirectory = Path.Combine(AppContext.BaseDirectory, "Profiles", "Corpus");

    public static TheoryData<string> CorpusFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(CorpusDirectory, "*.yaml").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileName(file));
        return data;
    }

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public void LoadFile_BrokenProfile_FirstErrorIsTheExpectedOne(string name)
    {
        var path = Path.Combine(CorpusDirectory, name);
        var expectation = ExpectPattern().Match(File.ReadLines(path).First());
        expectation.Success.ShouldBeTrue($"{name} must start with '# expect: LINE:COLUMN: message fragment'");

        var result = ProfileLoader.LoadFile(path);

        result.Ok.ShouldBeFalse();
        result.Profile.ShouldBeNull();
        var first = result.Errors[0];
        var expected = $"{expectation.Groups[1].Value}:{expectation.Groups[2].Value}: …{expectation.Groups[3].Value}…";
        $"{first.Line}:{first.Column}".ShouldBe($"{expectation.Groups[1].Value}:{expectation.Groups[2].Value}", $"expected {expected}, got {first}");
        first.Message.ShouldContain(expectation.Groups[3].Value, Case.Sensitive, $"expected {expected}, got {first}");
        first.File.ShouldBe(path);
    }

    [Fact]
    public void Corpus_Size_AtLeastTwentyBrokenProfiles() =>
        Directory.GetFiles(CorpusDirectory, "*.yaml").Length.ShouldBeGreaterThanOrEqualTo(20);

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public void LoadFile_BrokenProfile_ErrorsSortedByPosition(string name)
    {
        var path = Path.Combine(CorpusDirectory, name);

        var errors = ProfileLoader.LoadFile(path).Errors;

        errors.ShouldNotBeEmpty();
        var positions = errors.Select(e => (e.Line, e.Column)).ToList();
        positions.ShouldBe(positions.OrderBy(p => p.Line).ThenBy(p => p.Column).ToList());
        errors.ShouldAllBe(e => e.Line >= 1 && e.Column >= 1 && e.ToString().StartsWith($"{path}:{e.Line}:{e.Column}: ", StringComparison.Ordinal));
    }

    [GeneratedRegex(@"^# expect: (\d+):(\d+): (.+)$", RegexOptions.CultureInvariant)]
    private static partial Regex ExpectPattern();
}
