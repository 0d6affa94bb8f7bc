using System.Text.Json;
using Mesh.Node.Decisions;
using Mesh.Protocol.Audit;

namespace Mesh.Node.Audit;

/// <summary>
/// The <c>inference</c> member of an Observation record's body: each model run for the reading with its result and
/// full route (target, profile, version, latency, cost, and every candidate's reason). Replay and recovery read the
/// results back from here, so deciding again never needs the model.
/// </summary>
public static class ModelRunJson
{
    public const string Member = "inference";

    public static void Write(Utf8JsonWriter w, IReadOnlyList<ModelRun> runs)
    {
        w.WriteStartArray(Member);
        foreach (var r in runs)
        {
            w.WriteStartObject();
            w.WriteString("model", r.Model);
            w.WriteString("version", r.Version);
            w.WriteString("output", r.Output);
            if (r.Score is { } score)
                w.WriteNumber("score", score);
            if (double.IsFinite(r.Confidence))
                w.WriteNumber("confidence", r.Confidence);
            w.WriteBoolean("degraded", r.Degraded);
            w.WriteString("target", r.Route.Target);
            w.WriteString("profile", r.Route.Profile);
            w.WriteNumber("latency_us", r.Route.LatencyMicros);
            w.WriteNumber("cost_micros", r.Route.CostMicros);
            w.WriteStartArray("reasons");
            foreach (var reason in r.Route.Reasons)
                w.WriteStringValue(reason);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    /// <summary>Reads the array written by <see cref="Write"/>; the reader is on its StartArray.</summary>
    public static IReadOnlyList<ModelRun> Read(ref Utf8JsonReader reader)
    {
        var runs = new List<ModelRun>(1);
        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            string model = "", version = "", output = "", target = "", profile = "";
            double? score = null;
            double confidence = double.NaN;
            bool degraded = false;
            long latency = 0, cost = 0;
            var reasons = new List<string>();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                reader.Read();
                switch (name)
                {
                    case "model": model = reader.GetString() ?? ""; break;
                    case "version": version = reader.GetString() ?? ""; break;
                    case "output": output = reader.GetString() ?? ""; break;
                    case "score": score = reader.GetDouble(); break;
                    case "confidence": confidence = reader.GetDouble(); break;
                    case "degraded": degraded = reader.GetBoolean(); break;
                    case "target": target = reader.GetString() ?? ""; break;
                    case "profile": profile = reader.GetString() ?? ""; break;
                    case "latency_us": latency = reader.GetInt64(); break;
                    case "cost_micros": cost = reader.GetInt64(); break;
                    case "reasons":
                        while (reader.Read() && reader.TokenType == JsonTokenType.String)
                            reasons.Add(reader.GetString()!);
                        break;
                    default: reader.Skip(); break;
                }
            }
            runs.Add(new ModelRun(model, version, output, score, confidence, degraded, new AuditRoute(target, profile, model, version, latency, cost, reasons)));
        }
        return runs;
    }
}
