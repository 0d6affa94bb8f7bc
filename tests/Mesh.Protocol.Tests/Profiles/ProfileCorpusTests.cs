using Mesh.Protocol.Profiles;
using Mesh.Protocol.Tests.Support;

namespace Mesh.Protocol.Tests.Profiles;

/// <summary>Every file in <c>Corpus/</c> is a broken profile whose first line says its first error:
/// <c># expect: LINE:COLUMN: message fragment</c>. Each file's id is its name, except where the id is the error.</summary>
public sealed class ProfileCorpusTests
{
    private const string Part = "Profiles";

    public static TheoryData<string> CorpusFiles() => BrokenFileCorpus.Files(Part);

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public void LoadFile_BrokenProfile_FirstErrorIsTheExpectedOne(string name)
    {
        var path = Path.Combine(BrokenFileCorpus.Folder(Part), name);

        var result = ProfileLoader.LoadFile(path);

        result.Ok.ShouldBeFalse();
        result.Profile.ShouldBeNull();
        var first = result.Errors[0];
        BrokenFileCorpus.FirstErrorIsExpected(path, (first.File, first.Line, first.Column, first.Message), path);
    }

    [Fact]
    public void Corpus_Size_AtLeastTwentyBrokenProfiles() =>
        Directory.GetFiles(BrokenFileCorpus.Folder(Part), "*.yaml").Length.ShouldBeGreaterThanOrEqualTo(20);

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public void LoadFile_BrokenProfile_ErrorsSortedByPosition(string name)
    {
        var path = Path.Combine(BrokenFileCorpus.Folder(Part), name);

        var errors = ProfileLoader.LoadFile(path).Errors;

        BrokenFileCorpus.SortedByPosition(errors.Select(e => (e.Line, e.Column)).ToList());
        errors.ShouldAllBe(e => e.ToString().StartsWith($"{path}:{e.Line}:{e.Column}: ", StringComparison.Ordinal));
    }
}
