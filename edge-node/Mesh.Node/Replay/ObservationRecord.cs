using System.Text.Json;
using Mesh.Node.Decisions;
using Mesh.Protocol;
using Mesh.Protocol.Audit;

namespace Mesh.Node.Replay;

/// <summary>Reads an Observation record's body back into the <see cref="Observation"/> the core decided on.</summary>
public static class ObservationRecord
{
    public static Observation Read(AuditRecord record) => Read(record, out _, out _);

    /// <param name="attributes">The device attributes recorded with the reading, or null.</param>
    /// <param name="inference">The model results recorded with the reading (<see cref="InferenceResults.None"/> when none).</param>
    public static Observation Read(AuditRecord record, out IReadOnlyDictionary<string, string>? attributes, out InferenceResults inference)
    {
        attributes = null;
        inference = InferenceResults.None;
        var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(record.Body));
        DateTimeOffset? ts = null;
        long? seq = null;
        var metrics = new List<Metric>();
        Expect(ref reader, JsonTokenType.StartObject);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString();
            reader.Read();
            switch (name)
            {
                case "ts":
                    ts = reader.GetDateTimeOffset();
                    break;
                case "seq":
                    seq = reader.GetInt64();
                    break;
                case "metrics":
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        var metric = reader.GetString()!;
                        reader.Read();
                        metrics.Add(new Metric(metric, reader.GetDouble()));
                    }
                    break;
                case "attrs":
                    var attrs = new Dictionary<string, string>(StringComparer.Ordinal);
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        var key = reader.GetString()!;
                        reader.Read();
                        attrs[key] = reader.GetString() ?? "";
                    }
                    attributes = attrs;
                    break;
                case Mesh.Node.Audit.ModelRunJson.Member:
                    inference = InferenceResults.From(Mesh.Node.Audit.ModelRunJson.Read(ref reader));
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }
        if (ts is null || seq is null)
            throw new FormatException($"observation record {record.Sequence} lacks ts or seq");
        metrics.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        return new Observation(new SiteId(record.Site), new DeviceId(record.Device), seq.Value, ts.Value, metrics);
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type)
    {
        if (!reader.Read() || reader.TokenType != type)
            throw new FormatException($"expected {type} in an observation body");
    }
}
