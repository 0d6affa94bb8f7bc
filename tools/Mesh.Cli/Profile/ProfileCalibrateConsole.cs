using Mesh.Inference.Registry;
using Mesh.Protocol.Profiles;

namespace Mesh.Cli.Profile;

/// <summary>What <c>mesh profile calibrate</c> prints; the written file is read back by the strict loader before it is kept.</summary>
internal static class ProfileCalibrateConsole
{
    public static int Run(CalibrationInputs inputs, string models, string output)
    {
        if (!ProfileNames.IsValidId(inputs.Id))
        {
            Console.Error.WriteLine($"mesh profile calibrate: --id '{inputs.Id}' is not a profile id (lower-case letters, digits and '-', 1-64 characters)");
            return ExitCodes.Usage;
        }
        if (inputs.Runs is < 10 or > 1_000_000)
        {
            Console.Error.WriteLine("mesh profile calibrate: --runs must be within 10..1000000");
            return ExitCodes.Usage;
        }
        var registry = ModelRegistry.Load(models);
        foreach (var p in registry.Problems)
            Console.Error.WriteLine($"skipped: {p}");
        var profile = ProfileCalibration.Measure(inputs, registry, step => Console.Error.WriteLine($"measuring {step} ..."));
        var text = ProfileLoader.Write(profile);
        var check = ProfileLoader.Parse(text, output);
        if (!check.Ok)
        {
            foreach (var e in check.Errors)
                Console.Error.WriteLine(e);
            return ExitCodes.Failure;
        }
        if (profile.Models.Count == 0)
            Console.Error.WriteLine($"warning: no reading model could be measured (see the lines above); the router has no latency prior for this box until you add one to {output}");
        File.WriteAllText(output, text);
        Console.WriteLine($"wrote {output}: {profile.Cpu.Cores} cores, {profile.Memory.Mb} MiB, providers [{string.Join(", ", profile.ExecutionProviders.Select(ExecutionProviders.Name))}]");
        foreach (var (model, priors) in profile.Models)
            foreach (var (ep, prior) in priors)
                Console.WriteLine($"  {model} on {ExecutionProviders.Name(ep)}: p50 {prior.P50Ms} ms, p99 {prior.P99Ms} ms");
        return ExitCodes.Ok;
    }
}
