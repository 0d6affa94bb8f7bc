using System.Text;
using Mesh.Node;
using Mesh.Node.Ingest;
using Mesh.Protocol;

namespace Mesh.Node.Tests.Ingest;

public sealed class TelemetryParserTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 19, 0, 0, TimeSpan.Zero);
    private static readonly IngestOptions Options = new();

    private static TelemetryParse Parse(string json) =>
        TelemetryParser.Parse(new SiteId("site-a"), new DeviceId("dev-1"), Encoding.UTF8.GetBytes(json), Now, Options);

    [Fact]
    public void Parse_ValidReading_ReturnsObservationWithSortedMetrics()
    {
        var result = Parse("""{"ts":"2026-11-23T18:59:59.500Z","seq":42,"metrics":{"temperature":21.5,"humidity":40}}""");

        result.Error.ShouldBeNull();
        var o = result.Observation.ShouldNotBeNull();
        o.Seq.ShouldBe(42);
        o.Timestamp.ShouldBe(new DateTimeOffset(2026, 11, 23, 18, 59, 59, 500, TimeSpan.Zero));
        o.Metrics.Select(m => m.Name).ShouldBe(["humidity", "temperature"]);
        o.ValueOf("temperature").ShouldBe(21.5);
        o.MessageKey.ShouldBe("dev-1#42");
    }

    [Fact]
    public void Parse_UnknownTopLevelField_IsIgnored()
    {
        Parse("""{"ts":"2026-11-23T18:59:59Z","seq":1,"fw":"1.2.3","metrics":{"t":1}}""").Observation.ShouldNotBeNull();
    }

    [Theory]
    [InlineData("{not json", "invalid JSON")]
    [InlineData("""{"ts":"2026-11-23T18:59:59","seq":1,"metrics":{"t":1}}""", "with an offset")]
    [InlineData("""{"ts":"11/23/2026 7pm","seq":1,"metrics":{"t":1}}""", "with an offset")]
    [InlineData("[1,2,3]", "must be a JSON object")]
    [InlineData("""{"ts":"2026-11-23T18:59:59Z","metrics":{"t":1}}""", "missing field 'seq'")]
    [InlineData("""{"seq":1,"metrics":{"t":1}}""", "missing field 'ts'")]
    [InlineData("""{"ts":"2026-11-23T18:59:59Z","seq":1}""", "missing field 'metrics'")]
    [InlineData("""{"ts":"2026-11-23T18:59:59Z","seq":"7","metrics":{"t":1}}""", "field 'seq' must be an integer, not a string")]
    [InlineData("""{"ts":"2026-11-23T18:59:59Z","seq":1.5,"metrics":{"t":1}}""", "field 'seq' must be an integer")]
    [InlineData("""{"ts":"2026-11-23T18:59:59Z","seq":0,"metrics":{"t":1}}""", "field 'seq' must be positive")]
    [InlineData("""{"ts":"2026-11-23T18:59:59Z","seq":1,"metrics":{"t":NaN}}""", "invalid JSON")]
    [InlineData("""{"ts":"2026-11-23T18:59:59Z","seq":1,"metrics":{"t":"hot"}}""", "metric 't' must be a number, not a string")]
    [InlineData("""{"ts":"2026-11-23T18:59:59Z","seq":1,"metrics":{}}""", "field 'metrics' is empty")]
    [InlineData("""{"ts":"2026-11-23T18:59:59Z","seq":1,"metrics":[1]}""", "field 'metrics' must be an object, not an array")]
    [InlineData("""{"ts":"2026-11-23T18:59:59Z","seq":1,"metrics":{"bad name":1}}""", "metric name 'bad name'")]
    [InlineData("""{"ts":"yesterday","seq":1,"metrics":{"t":1}}""", "field 'ts' is not an ISO-8601 timestamp")]
    [InlineData("""{"ts":12,"seq":1,"metrics":{"t":1}}""", "field 'ts' must be an ISO-8601 string, not a number")]
    [InlineData("""{"ts":"2026-11-24T19:00:00Z","seq":1,"metrics":{"t":1}}""", "ahead of the node's clock")]
    [InlineData("""{"ts":"2026-11-23T18:59:59Z","seq":1,"seq":2,"metrics":{"t":1}}""", "field 'seq' appears twice")]
    [InlineData("""{"ts":"2026-11-23T18:59:59Z","seq":1,"metrics":{"t":1,"t":2}}""", "metric 't' appears twice")]
    [InlineData("""{"ts":"2026-11-23T18:59:59Z","seq":1,"metrics":{"t":1e400}}""", "metric 't' is not a finite number")]
    [InlineData("""{"ts":"2026-11-23T18:59:59Z","seq":1,"metrics":{"t":1}} {}""", "invalid JSON")]
    [InlineData("", "payload is empty")]
    public void Parse_MalformedPayload_IsRefusedWithReason(string json, string reason)
    {
        var result = Parse(json);

        result.Observation.ShouldBeNull();
        result.Error.ShouldNotBeNull().ShouldContain(reason);
    }

    [Fact]
    public void Parse_OversizedPayload_IsRefusedBeforeParsing()
    {
        var json = "{\"ts\":\"2026-11-23T18:59:59Z\",\"seq\":1,\"metrics\":{\"t\":1},\"pad\":\"" + new string('x', 9000) + "\"}";

        Parse(json).Error.ShouldNotBeNull().ShouldContain("the limit is 8192");
    }

    [Fact]
    public void Parse_TooManyMetrics_IsRefused()
    {
        var metrics = string.Join(',', Enumerable.Range(0, 65).Select(i => $"\"m{i}\":{i}"));

        Parse("{\"ts\":\"2026-11-23T18:59:59Z\",\"seq\":1,\"metrics\":{" + metrics + "}}").Error.ShouldNotBeNull().ShouldContain("more than 64 metrics");
    }

    /// <summary>Found by 'mesh chaos fuzz --kind payload --seed 1' (input #56): a byte that is not UTF-8 inside a JSON
    /// string made the parser throw instead of refusing the payload, so the message was never acknowledged.</summary>
    [Fact]
    public void Parse_InvalidUtf8InsideString_IsRefusedWithItsByteOffset()
    {
        byte[] payload = [.. Encoding.UTF8.GetBytes("{\"ts\":\"2P026-1-23T13:15:54.000Z"), 0xCB, .. Encoding.UTF8.GetBytes(",\"seq\":420964,\"metric{\"x\":79.115}}")];

        var result = TelemetryParser.Parse(new SiteId("site-a"), new DeviceId("dev-1"), payload, Now, Options);

        result.Observation.ShouldBeNull();
        result.Error.ShouldBe("payload is not valid UTF-8 at byte 31");
    }

    /// <summary>Found by 'mesh chaos fuzz --kind payload --seed 1' (input #143): an escape for half a surrogate pair made
    /// the parser throw instead of refusing the payload.</summary>
    [Theory]
    [InlineData("""{"ts":"\ud800","seq":704213,"metrics":{"t-1":68.035}}""", 6)]
    [InlineData("""{"ts":"2026-11-23T18:59:00Z","seq":1,"metrics":{"\udc00x":1}}""", 48)]
    [InlineData("""{"\ud800":1,"ts":"2026-11-23T18:59:00Z","seq":1,"metrics":{"x":1}}""", 1)]
    public void Parse_LoneSurrogateEscape_IsRefusedAsInvalidJsonAtItsByte(string json, int at)
    {
        var result = Parse(json);

        result.Observation.ShouldBeNull();
        result.Error.ShouldNotBeNull().ShouldStartWith($"invalid JSON at byte {at}: ");
    }
}
