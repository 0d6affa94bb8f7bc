using System.Text;
using Mesh.Protocol.Yaml;

namespace Mesh.Protocol.Profiles;

/// <summary>Renders a <see cref="HardwareProfile"/> in the documented layout: one group per block, one latency prior
/// per line, models in the profile's order and providers in the profile's order of preference.</summary>
internal static class ProfileWriter
{
    public static string Write(HardwareProfile p)
    {
        var y = new StringBuilder();
        y.Append("id: ").AppendLine(p.Id);
        y.Append("description: ").AppendLine(Q(p.Description));
        y.Append("location: ").AppendLine(ProfileNames.Of(p.Location));
        y.Append("arch: ").AppendLine(ProfileNames.Of(p.Arch));
        y.AppendLine("cpu:");
        y.Append("  cores: ").AppendLine(YamlWriter.Integer(p.Cpu.Cores));
        y.Append("  model: ").AppendLine(Q(p.Cpu.Model));
        y.Append("  source: ").AppendLine(Q(p.Cpu.Source));
        y.AppendLine("memory:");
        y.Append("  mb: ").AppendLine(YamlWriter.Integer(p.Memory.Mb));
        y.Append("  source: ").AppendLine(Q(p.Memory.Source));
        if (p.Accelerators.Count == 0)
            y.AppendLine("accelerators: []");
        else
            y.AppendLine("accelerators:");
        foreach (var a in p.Accelerators)
        {
            y.Append("  - kind: ").AppendLine(ProfileNames.Of(a.Kind));
            y.Append("    name: ").AppendLine(Q(a.Name));
            y.Append("    memory_mb: ").AppendLine(YamlWriter.Integer(a.MemoryMb));
            y.Append("    source: ").AppendLine(Q(a.Source));
        }
        y.Append("execution_providers: [").Append(string.Join(", ", p.ExecutionProviders.Select(ExecutionProviders.Name))).AppendLine("]");
        y.AppendLine("power:");
        y.Append("  idle_watts: ").AppendLine(YamlWriter.Number(p.Power.IdleWatts));
        y.Append("  load_watts: ").AppendLine(YamlWriter.Number(p.Power.LoadWatts));
        y.Append("  source: ").AppendLine(Q(p.Power.Source));
        y.AppendLine("cost:");
        y.Append("  per_hour_usd: ").AppendLine(YamlWriter.Number(p.Cost.PerHourUsd));
        y.Append("  per_1k_inferences_usd: ").AppendLine(YamlWriter.Number(p.Cost.Per1kInferencesUsd));
        y.Append("  source: ").AppendLine(Q(p.Cost.Source));
        y.AppendLine("network:");
        y.Append("  cloud_rtt_ms: ").AppendLine(YamlWriter.Number(p.Network.CloudRttMs));
        y.Append("  source: ").AppendLine(Q(p.Network.Source));
        WriteModels(p, y);
        return y.ToString();
    }

    private static void WriteModels(HardwareProfile p, StringBuilder y)
    {
        if (p.Models.Count == 0)
        {
            y.AppendLine("models: {}");
            return;
        }
        y.AppendLine("models:");
        foreach (var (model, priors) in p.Models)
        {
            y.Append("  ").Append(YamlWriter.Key(model)).AppendLine(":");
            var order = p.ExecutionProviders.Where(priors.ContainsKey).Concat(priors.Keys.Where(k => !p.ExecutionProviders.Contains(k)));
            foreach (var provider in order)
            {
                var prior = priors[provider];
                y.Append("    ").Append(ExecutionProviders.Name(provider)).Append(": { p50_ms: ").Append(YamlWriter.Number(prior.P50Ms))
                    .Append(", p99_ms: ").Append(YamlWriter.Number(prior.P99Ms))
                    .Append(", source: ").Append(Q(prior.Source)).AppendLine(" }");
            }
        }
    }

    private static string Q(string value) => YamlWriter.Quote(value);
}
