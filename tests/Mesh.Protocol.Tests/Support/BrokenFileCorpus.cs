using System.Text.RegularExpressions;

namespace Mesh.Protocol.Tests.Support;

/// <summary>
/// A folder of broken files, each of whose first line says its first error: <c># expect: LINE:COLUMN: message fragment</c>.
/// The policy and hardware-profile corpora share it; each loader reports errors as (file, line, column, message).
/// </summary>
public static partial class BrokenFileCorpus
{
    public static string Folder(string part) => Path.Combine(AppContext.BaseDirectory, part, "Corpus");

    public static TheoryData<string> Files(string part)
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Folder(part), "*.yaml").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileName(file));
        return data;
    }

    /// <summary>Asserts that the first error is the one the file's first line announces.</summary>
    public static void FirstErrorIsExpected(string path, (string File, int Line, int Column, string Message) first, string expectedFile)
    {
        var expectation = ExpectPattern().Match(File.ReadLines(path).First());
        expectation.Success.ShouldBeTrue($"{Path.GetFileName(path)} must start with '# expect: LINE:COLUMN: message fragment'");
        var expected = $"{expectation.Groups[1].Value}:{expectation.Groups[2].Value}: …{expectation.Groups[3].Value}…";
        var got = $"{first.File}:{first.Line}:{first.Column}: {first.Message}";
        $"{first.Line}:{first.Column}".ShouldBe($"{expectation.Groups[1].Value}:{expectation.Groups[2].Value}", $"expected {expected}, got {got}");
        first.Message.ShouldContain(expectation.Groups[3].Value, Case.Sensitive, $"expected {expected}, got {got}");
        first.File.ShouldBe(expectedFile);
    }

    /// <summary>Asserts that errors come sorted by position, each at a real position.</summary>
    public static void SortedByPosition(IReadOnlyList<(int Line, int Column)> positions)
    {
        positions.ShouldNotBeEmpty();
        positions.ShouldBe(positions.OrderBy(p => p.Line).ThenBy(p => p.Column).ToList());
        positions.ShouldAllBe(p => p.Line >= 1 && p.Column >= 1);
    }

    [GeneratedRegex(@"^# expect: (\d+):(\d+): (.+)$", RegexOptions.CultureInvariant)]
    private static partial Regex ExpectPattern();
}
