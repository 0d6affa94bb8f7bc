using Mesh.Protocol.Policy;

namespace Mesh.Protocol.Tests.Policy;

public class DeviceGlobTests
{
    [Theory]
    [InlineData("cooler-*", "cooler-1", true)]
    [InlineData("cooler-*", "cooler-", true)]
    [InlineData("cooler-*", "cooler", false)]
    [InlineData("cooler-*", "Cooler-1", false)]
    [InlineData("fridge-0?", "fridge-07", true)]
    [InlineData("fridge-0?", "fridge-0", false)]
    [InlineData("fridge-0?", "fridge-071", false)]
    [InlineData("*", "", true)]
    [InlineData("*", "anything", true)]
    [InlineData("a*b*c", "axxbyyc", true)]
    [InlineData("a*b*c", "axxbyy", false)]
    [InlineData("*-01", "berlin-cooler-01", true)]
    [InlineData("**?", "x", true)]
    [InlineData("exact", "exact", true)]
    [InlineData("exact", "exactly", false)]
    public void IsMatch_Pattern_MatchesWholeId(string pattern, string id, bool expected) =>
        DeviceGlob.IsMatch(pattern, id).ShouldBe(expected);

    [Fact]
    public void IsMatch_PathologicalPattern_StaysFast()
    {
        var id = new string('a', 10_000);

        DeviceGlob.IsMatch("*a*a*a*a*a*a*a*b", id).ShouldBeFalse();
    }

    [Theory]
    [InlineData("", "must not be empty")]
    [InlineData("a/b", "holds a character no device id can")]
    [InlineData("a b", "holds a character no device id can")]
    [InlineData("dev-#", "holds a character no device id can")]
    public void TryValidate_BadPattern_SaysWhy(string pattern, string fragment)
    {
        DeviceGlob.TryValidate(pattern, out var problem).ShouldBeFalse();
        problem.ShouldNotBeNull().ShouldContain(fragment);
    }

    [Fact]
    public void TryValidate_TooLong_Refused() =>
        DeviceGlob.TryValidate(new string('a', 129), out _).ShouldBeFalse();

    [Fact]
    public void Matches_GlobsAndAttributes_AllMustHold()
    {
        var group = new DeviceGroup
        {
            Id = "coolers",
            Devices = ["cooler-*"],
            Attributes = new Dictionary<string, string> { ["kind"] = "cooler" },
        };

        group.Matches("cooler-1", new Dictionary<string, string> { ["kind"] = "cooler", ["floor"] = "2" }).ShouldBeTrue();
        group.Matches("cooler-1", new Dictionary<string, string> { ["kind"] = "fan" }).ShouldBeFalse();
        group.Matches("cooler-1").ShouldBeFalse();
        group.Matches("door-1", new Dictionary<string, string> { ["kind"] = "cooler" }).ShouldBeFalse();
        new DeviceGroup { Id = "all" }.Matches("anything").ShouldBeTrue();
    }
}
