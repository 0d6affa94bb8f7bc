using Mesh.Protocol.Topics;

namespace Mesh.Protocol.Tests.Topics;

public class MeshTopicsTests
{
    private static readonly SiteId Site = new("site-a");
    private static readonly DeviceId Device = new("dev-1");

    [Fact]
    public void Format_EachKind_IsMeshSiteDeviceKind()
    {
        MeshTopics.Telemetry(Site, Device).ShouldBe("mesh/site-a/dev-1/telemetry");
        MeshTopics.Command(Site, Device).ShouldBe("mesh/site-a/dev-1/command");
        MeshTopics.Deadletter(Site, Device).ShouldBe("mesh/site-a/dev-1/deadletter");
        MeshTopics.TelemetryFilter.ShouldBe("mesh/+/+/telemetry");
    }

    [Fact]
    public void TryParse_TelemetryTopic_ReturnsSiteDeviceAndKind()
    {
        MeshTopics.TryParse("mesh/site-a/dev-1/telemetry", out var site, out var device, out var kind).ShouldBeTrue();

        site.ShouldBe(Site);
        device.ShouldBe(Device);
        kind.ShouldBe(MeshTopics.TelemetryKind);
    }

    [Fact]
    public void TryParse_FormattedTopics_RoundTrip()
    {
        foreach (var topic in new[] { MeshTopics.Telemetry(Site, Device), MeshTopics.Command(Site, Device), MeshTopics.Deadletter(Site, Device) })
        {
            MeshTopics.TryParse(topic, out var site, out var device, out var kind).ShouldBeTrue(topic);
            $"mesh/{site}/{device}/{kind}".ShouldBe(topic);
        }
    }

    [Fact]
    public void TryParse_SegmentOfMaxLength_Accepted()
    {
        var longest = new string('d', MeshTopics.MaxSegmentLength);

        MeshTopics.TryParse($"mesh/{longest}/{longest}/telemetry", out var site, out var device, out _).ShouldBeTrue();

        site.Value.Length.ShouldBe(128);
        device.Value.ShouldBe(longest);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("mqtt/site-a/dev-1/telemetry", "wrong prefix")]
    [InlineData("Mesh/site-a/dev-1/telemetry", "prefix is case-sensitive")]
    [InlineData("/mesh/site-a/dev-1/telemetry", "leading slash")]
    [InlineData("mesh/site-a/telemetry", "three segments")]
    [InlineData("mesh/site-a/dev-1/telemetry/extra", "five segments")]
    [InlineData("mesh/site-a/dev-1/telemetry/", "trailing slash")]
    [InlineData("mesh//dev-1/telemetry", "empty site")]
    [InlineData("mesh/site-a//telemetry", "empty device")]
    [InlineData("mesh/site-a/dev-1/", "empty kind")]
    [InlineData("mesh/+/dev-1/telemetry", "wildcard + as site")]
    [InlineData("mesh/site-a/#/telemetry", "wildcard # as device")]
    [InlineData("mesh/site+a/dev-1/telemetry", "+ inside site")]
    [InlineData("mesh/site-a/dev#1/telemetry", "# inside device")]
    [InlineData("mesh/site a/dev-1/telemetry", "space in site")]
    [InlineData("mesh/site-a/dev\t1/telemetry", "tab in device")]
    [InlineData("mesh/site-a/dev-1\n/telemetry", "newline in device")]
    [InlineData("mesh/site-a/dev\u00A01/telemetry", "no-break space in device")]
    [InlineData("mesh/site-a/dev\u00001/telemetry", "NUL in device")]
    public void TryParse_InvalidTopic_Rejected(string topic, string why)
    {
        MeshTopics.TryParse(topic, out var site, out var device, out var kind).ShouldBeFalse(why);

        site.ShouldBe(default);
        device.ShouldBe(default);
        kind.ShouldBe("");
    }

    [Fact]
    public void TryParse_OverLongSiteOrDevice_Rejected()
    {
        var tooLong = new string('x', MeshTopics.MaxSegmentLength + 1);

        MeshTopics.TryParse($"mesh/{tooLong}/dev-1/telemetry", out _, out _, out _).ShouldBeFalse();
        MeshTopics.TryParse($"mesh/site-a/{tooLong}/telemetry", out _, out _, out _).ShouldBeFalse();
    }

    [Theory]
    [InlineData("mesh/site-a/dev-1/#")]
    [InlineData("mesh/site-a/dev-1/+")]
    [InlineData("mesh/site-a/dev-1/tele metry")]
    public void TryParse_WildcardOrWhitespaceInKind_Rejected(string topic)
    {
        // A topic name never contains wildcards or whitespace in any segment, the kind included.
        MeshTopics.TryParse(topic, out _, out _, out _).ShouldBeFalse();
    }

    [Theory]
    [InlineData("site-a", true)]
    [InlineData("", false)]
    [InlineData("a+b", false)]
    [InlineData("a#b", false)]
    [InlineData("a b", false)]
    [InlineData("a/b", false)]
    public void IsValidSegment_Value_MatchesTheIdRules(string segment, bool valid)
    {
        MeshTopics.IsValidSegment(segment).ShouldBe(valid);
    }
}
