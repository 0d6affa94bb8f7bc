using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Mesh.Inference.Registry;
using Mesh.Inference.Runtime;
using Mesh.Protocol.Profiles;
using Microsoft.ML.OnnxRuntime;

namespace Mesh.Cli.Profile;

/// <summary>What <c>mesh profile calibrate</c> is told that it cannot measure.</summary>
internal sealed record CalibrationInputs(string Id, string Description, ProfileLocation Location, double CloudRttMs, double PerHourUsd, double Per1kUsd, int Runs);

/// <summary>
/// Measures this machine for a hardware profile: cores, memory and CPU model from the OS, NVIDIA GPUs from
/// nvidia-smi when it is there, the execution providers this ONNX Runtime build can actually open, and the latency
/// of every reading model in the registry on each of them (batch of one, timed runs after a warm-up). What cannot
/// be measured here (power, prices, the round trip to the cloud) is taken from the command line and marked an estimate.
/// </summary>
internal static class ProfileCalibration
{
    public static HardwareProfile Measure(CalibrationInputs inputs, RegistryLoad models, Action<string> progress)
    {
        var stamp = $"{Environment.MachineName}, {DateTime.UtcNow:yyyy-MM-dd}";
        var cores = Environment.ProcessorCount;
        var cpuModel = CpuModel();
        var memoryMb = (int)Math.Min(int.MaxValue, MemoryBytes() / (1024 * 1024));
        var arch = RuntimeInformation.OSArchitecture switch
        {
            Architecture.X64 => CpuArchitecture.X64,
            Architecture.Arm64 => CpuArchitecture.Arm64,
            var other => throw new PlatformNotSupportedException($"{other} is not a node architecture (x64 or arm64)"),
        };
        var gpus = NvidiaGpus();
        var providers = new List<ExecutionProvider>();
        var priors = new Dictionary<string, IReadOnlyDictionary<ExecutionProvider, LatencyPrior>>(StringComparer.Ordinal);
        foreach (var candidate in CandidateProviders(gpus.Count > 0))
        {
            var name = ExecutionProviders.Name(candidate);
            foreach (var registered in models.Models.Where(m => m.Manifest.IsReadingModel))
            {
                progress($"{registered.Manifest.Name} on {name}");
                using var session = ModelSession.OpenOnly(registered.Manifest, registered.Bytes, name, out _);
                if (session is null)
                    continue;
                using var runner = new ReadingModelRunner(session, 1);
                var stats = LatencyProbe.Measure(runner, 1, inputs.Runs);
                if (!priors.TryGetValue(registered.Manifest.Name, out var forModel))
                    priors[registered.Manifest.Name] = forModel = new Dictionary<ExecutionProvider, LatencyPrior>();
                ((Dictionary<ExecutionProvider, LatencyPrior>)forModel)[candidate] = new LatencyPrior(Round(stats.P50Ms), Math.Max(Round(stats.P99Ms), Round(stats.P50Ms)),
                    string.Create(CultureInfo.InvariantCulture, $"measured: mesh profile calibrate, {inputs.Runs} runs of batch 1 on {stamp}"));
                if (!providers.Contains(candidate))
                    providers.Add(candidate);
            }
        }
        if (!providers.Contains(ExecutionProvider.Cpu))
            providers.Add(ExecutionProvider.Cpu);
        var measured = $"measured: mesh profile calibrate on {stamp}";
        return new HardwareProfile(
            inputs.Id, inputs.Description, inputs.Location, arch,
            new CpuSpec(cores, cpuModel, measured + " (logical cores, /proc/cpuinfo)"),
            new MemorySpec(memoryMb, measured),
            gpus.Select(g => new AcceleratorSpec(AcceleratorKind.Cuda, g.Name, g.MemoryMb, measured + " (nvidia-smi)")).ToArray(),
            providers,
            new PowerSpec(0, 0, "estimate: not measured by calibrate; fill in from the vendor's datasheet"),
            new CostSpec(inputs.PerHourUsd, inputs.Per1kUsd, "estimate: given to mesh profile calibrate (--per-hour-usd, --per-1k-usd)"),
            new NetworkSpec(inputs.CloudRttMs, "estimate: given to mesh profile calibrate (--cloud-rtt-ms)"),
            priors);
    }

    /// <summary>Providers worth trying here: those this ONNX Runtime build contains, GPU ones only with a GPU.</summary>
    private static IEnumerable<ExecutionProvider> CandidateProviders(bool gpu)
    {
        var available = OrtEnv.Instance().GetAvailableProviders();
        foreach (var ep in new[] { ExecutionProvider.TensorRT, ExecutionProvider.Cuda, ExecutionProvider.OpenVino, ExecutionProvider.DirectML })
        {
            var runtimeName = ExecutionProviderNames.RuntimeName(ExecutionProviders.Name(ep));
            if (available.Contains(runtimeName) && (gpu || ep is ExecutionProvider.OpenVino or ExecutionProvider.DirectML))
                yield return ep;
        }
        yield return ExecutionProvider.Cpu;
    }

    private static double Round(double ms) => Math.Round(Math.Max(ms, 0.001), 3);

    private static string CpuModel()
    {
        if (File.Exists("/proc/cpuinfo"))
            foreach (var line in File.ReadLines("/proc/cpuinfo"))
                if (line.StartsWith("model name", StringComparison.Ordinal) && line.IndexOf(':') is var colon and > 0)
                    return line[(colon + 1)..].Trim();
        return RuntimeInformation.ProcessArchitecture.ToString();
    }

    private static long MemoryBytes()
    {
        if (File.Exists("/proc/meminfo"))
            foreach (var line in File.ReadLines("/proc/meminfo"))
                if (line.StartsWith("MemTotal:", StringComparison.Ordinal)
                    && long.TryParse(line["MemTotal:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture, out var kb))
                    return kb * 1024;
        return GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
    }

    private static List<(string Name, int MemoryMb)> NvidiaGpus()
    {
        var gpus = new List<(string, int)>();
        try
        {
            using var p = Process.Start(new ProcessStartInfo("nvidia-smi", "--query-gpu=name,memory.total --format=csv,noheader,nounits")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            });
            if (p is null)
                return gpus;
            var output = p.StandardOutput.ReadToEnd();
            if (!p.WaitForExit(10_000) || p.ExitCode != 0)
                return gpus;
            foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var parts = line.Split(',', StringSplitOptions.TrimEntries);
                if (parts.Length == 2 && int.TryParse(parts[1], CultureInfo.InvariantCulture, out var mb))
                    gpus.Add((parts[0], mb));
            }
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No nvidia-smi: no NVIDIA GPU to describe.
        }
        return gpus;
    }
}
