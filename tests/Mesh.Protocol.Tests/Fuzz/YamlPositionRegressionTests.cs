using Mesh.Protocol.Policy;
using Mesh.Protocol.Profiles;

namespace Mesh.Protocol.Tests.Fuzz;

/// <summary>
/// Found by 'mesh chaos fuzz --kind policy --seed 1' (input #1913) and '--kind profile --seed 1' (input #55307): a
/// U+2028 (or U+2029, U+0085, a lone '\r') in a value ends a line for the YAML parser but for no editor, so errors
/// after it named lines past the end of the file. Positions now count lines ended by '\n' only.
/// </summary>
public class YamlPositionRegressionTests
{
    [Theory]
    [InlineData("\u2028")]
    [InlineData("\u2029")]
    [InlineData("\u0085")]
    [InlineData("\r")]
    public void PolicyParse_UnusualLineBreakBeforeASyntaxError_ErrorOnTheLineAnEditorShows(string odd)
    {
        var text = $"site: site-a\nversion: 1\nrules:\n  - id: a\n    clear: {odd}\n    action: {odd}\n    when: {{ all\n";

        var error = PolicyLoader.Parse(text, "p.yaml").Errors.ShouldHaveSingleItem();

        error.Line.ShouldBeLessThanOrEqualTo(8, error.ToString());
        error.Line.ShouldBeGreaterThanOrEqualTo(7, error.ToString());
        error.Message.ShouldStartWith("YAML syntax error");
    }

    [Fact]
    public void PolicyParse_UnusualLineBreakBeforeAValueError_ColumnCountsItAsACharacter()
    {
        var text = "site: site-a\u2028\nversion: x\u2028 \nrules: []\n";

        var errors = PolicyLoader.Parse(text, "p.yaml").Errors;

        errors.ShouldContain(e => e.Line == 2 && e.Column == 10, string.Join("; ", errors));
    }

    [Fact]
    public void ProfileParse_UnusualLineBreakInAName_ErrorsStayInsideTheText()
    {
        var text = "id: x\ndescription: \u2028\nlocation: \u2029\narch: [x64\n";
        var lines = text.Split('\n');

        var error = ProfileLoader.Parse(text, "x.yaml").Errors.ShouldHaveSingleItem();

        error.Line.ShouldBeLessThanOrEqualTo(lines.Length, error.ToString());
        error.Column.ShouldBeLessThanOrEqualTo(lines[error.Line - 1].Length + 1, error.ToString());
    }
}
