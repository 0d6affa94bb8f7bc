using Mesh.EndToEnd.Tests.Support;
using Mesh.Protocol.Profiles;

namespace Mesh.EndToEnd.Tests;

/// <summary>The <c>mesh profile</c> and <c>mesh model</c> commands as an installer runs them (the real CLI executable).</summary>
public sealed class ProfileAndModelCliTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(2);
    private static string Shipped(string folder) => Path.Combine(AppContext.BaseDirectory, folder);

    [Fact]
    public async Task ProfileValidate_ShippedProfiles_AllOk()
    {
        var run = await MeshCli.RunAsync(Deadline, "profile", "validate", Shipped("hardware-profiles"));

        run.ExitCode.ShouldBe(0, run.ToString());
        run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l.StartsWith("ok ", StringComparison.Ordinal)).ShouldBe(8, run.Stdout);
    }

    [Fact]
    public async Task ProfileValidate_BrokenProfile_ErrorAtLineAndColumnAndExitOne()
    {
        using var dir = new TempDirectory();
        var file = dir.Sub("broken-box.yaml");
        var text = await File.ReadAllTextAsync(Path.Combine(Shipped("hardware-profiles"), "generic-x64-cpu.yaml"));
        await File.WriteAllTextAsync(file, text.Replace("id: generic-x64-cpu", "id: broken-box").Replace("memory:", "memroy:"));

        var run = await MeshCli.RunAsync(Deadline, "profile", "validate", file);

        run.ExitCode.ShouldBe(1, run.ToString());
        run.Stdout.ShouldMatch($@"{System.Text.RegularExpressions.Regex.Escape(file)}:\d+:1: .*memroy");
    }

    [Fact]
    public async Task ProfileCalibrate_ThisMachine_WritesAProfileTheLoaderAccepts()
    {
        using var dir = new TempDirectory();
        var file = dir.Sub("this-box.yaml");

        var run = await MeshCli.RunAsync(Deadline, "profile", "calibrate", "--id", "this-box", "--out", file,
            "--models", Shipped("models"), "--runs", "200", "--per-hour-usd", "0.01");

        run.ExitCode.ShouldBe(0, run.ToString());
        var profile = ProfileLoader.LoadFile(file).Profile.ShouldNotBeNull();
        profile.Cpu.Cores.ShouldBe(Environment.ProcessorCount);
        profile.ExecutionProviders.ShouldContain(ExecutionProvider.Cpu);
        var prior = profile.Prior("anomaly", ExecutionProvider.Cpu).ShouldNotBeNull();
        prior.P50Ms.ShouldBeGreaterThan(0);
        prior.P99Ms.ShouldBeGreaterThanOrEqualTo(prior.P50Ms);
        prior.Source.ShouldStartWith("measured: mesh profile calibrate, 200 runs");
        profile.Cost.Source.ShouldStartWith("estimate:");
        profile.Cost.PerHourUsd.ShouldBe(0.01);
    }

    [Fact]
    public async Task ModelCheck_ShippedAnomalyModel_OkOnCpuAfterTheGpuProvidersFellBack()
    {
        var run = await MeshCli.RunAsync(Deadline, "model", "check", "--models", Shipped("models"),
            "--profiles", Shipped("hardware-profiles"), "--profile", "edge-server-rtx-a2000");

        run.ExitCode.ShouldBe(0, run.ToString());
        run.Stdout.ShouldContain("ok anomaly 1.0.0 on CPU (TensorRT, CUDA failed): TensorRT: not in this ONNX Runtime build (EntryPointNotFoundException;");
        run.Stdout.ShouldContain("features float32[-1, 6] -> score float32[-1, 1]");
    }

    [Fact]
    public async Task ModelCheck_ChangedModelFile_RefusedWithBothHashes()
    {
        using var dir = new TempDirectory();
        var folder = Directory.CreateDirectory(dir.Sub("models/anomaly")).FullName;
        foreach (var f in new[] { "manifest.yaml", "anomaly.onnx" })
            File.Copy(Path.Combine(Shipped("models"), "anomaly", f), Path.Combine(folder, f));
        var onnx = Path.Combine(folder, "anomaly.onnx");
        var bytes = await File.ReadAllBytesAsync(onnx);
        bytes[^2] ^= 0x40;
        await File.WriteAllBytesAsync(onnx, bytes);

        var run = await MeshCli.RunAsync(Deadline, "model", "check", "--models", dir.Sub("models"), "--profiles", Shipped("hardware-profiles"));

        run.ExitCode.ShouldBe(1, run.ToString());
        run.Stderr.ShouldContain("anomaly.onnx: SHA-256 is ");
        run.Stderr.ShouldContain(", but ");
    }
}
