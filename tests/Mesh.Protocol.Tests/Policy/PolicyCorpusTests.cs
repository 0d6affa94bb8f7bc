using Mesh.Protocol.Policy;
using Mesh.Protocol.Tests.Support;

namespace Mesh.Protocol.Tests.Policy;

/// <summary>Every file in <c>Corpus/</c> is a broken policy whose first line says its first error:
/// <c># expect: LINE:COLUMN: message fragment</c>.</summary>
public sealed class PolicyCorpusTests
{
    private const string Part = "Policy";

    public static TheoryData<string> CorpusFiles() => BrokenFileCorpus.Files(Part);

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public void LoadFile_BrokenPolicy_FirstErrorIsTheExpectedOne(string name)
    {
        var path = Path.Combine(BrokenFileCorpus.Folder(Part), name);

        var result = PolicyLoader.LoadFile(path);

        result.Ok.ShouldBeFalse();
        result.Policy.ShouldBeNull();
        var first = result.Errors[0];
        BrokenFileCorpus.FirstErrorIsExpected(path, (first.File, first.Line, first.Column, first.Message), path);
    }

    [Fact]
    public void Corpus_Size_AtLeastThirtyFiveBrokenPolicies() =>
        Directory.GetFiles(BrokenFileCorpus.Folder(Part), "*.yaml").Length.ShouldBeGreaterThanOrEqualTo(35);

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public void Parse_BrokenPolicy_ErrorsSortedByPosition(string name)
    {
        var result = PolicyLoader.Parse(File.ReadAllText(Path.Combine(BrokenFileCorpus.Folder(Part), name)), name);

        BrokenFileCorpus.SortedByPosition(result.Errors.Select(e => (e.Line, e.Column)).ToList());
        result.Errors.ShouldAllBe(e => e.File == name);
    }
}
