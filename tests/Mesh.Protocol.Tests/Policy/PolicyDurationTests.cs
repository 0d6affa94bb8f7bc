using Mesh.Protocol.Policy;

namespace Mesh.Protocol.Tests.Policy;

public class PolicyDurationTests
{
    [Theory]
    [InlineData("0s", 0L)]
    [InlineData("500ms", 500L)]
    [InlineData("90s", 90_000L)]
    [InlineData("007m", 420_000L)]
    [InlineData("36h", 129_600_000L)]
    [InlineData("3d", 259_200_000L)]
    public void TryParse_IntegerAndUnit_Parsed(string text, long milliseconds)
    {
        PolicyDuration.TryParse(text, out var value, out var problem).ShouldBeTrue();

        value.ShouldBe(TimeSpan.FromMilliseconds(milliseconds));
        problem.ShouldBeNull();
    }

    [Theory]
    [InlineData("15")]
    [InlineData("15min")]
    [InlineData("1.5h")]
    [InlineData("-5m")]
    [InlineData("5 m")]
    [InlineData("5M")]
    [InlineData("PT5M")]
    [InlineData("")]
    [InlineData("1h\n")]
    public void TryParse_OtherForms_ProblemNamesTheExpectedForm(string text)
    {
        PolicyDuration.TryParse(text, out _, out var problem).ShouldBeFalse();

        problem.ShouldNotBeNull().ShouldContain("an integer and a unit (ms, s, m, h or d)");
    }

    [Fact]
    public void TryParse_Overflow_TooLong()
    {
        PolicyDuration.TryParse("99999999999999999999d", out _, out var problem).ShouldBeFalse();

        problem.ShouldBe("the duration '99999999999999999999d' is too long");
    }

    [Theory]
    [InlineData(0L, "0s")]
    [InlineData(250L, "250ms")]
    [InlineData(90_000L, "90s")]
    [InlineData(3_600_000L, "1h")]
    [InlineData(5_400_000L, "90m")]
    [InlineData(172_800_000L, "2d")]
    public void Format_WholeMilliseconds_ShortestExactForm(long milliseconds, string expected)
    {
        var text = PolicyDuration.Format(TimeSpan.FromMilliseconds(milliseconds));

        text.ShouldBe(expected);
        PolicyDuration.TryParse(text, out var back, out _).ShouldBeTrue();
        back.ShouldBe(TimeSpan.FromMilliseconds(milliseconds));
    }
}
