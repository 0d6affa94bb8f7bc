using System.CommandLine;

namespace Mesh.Cli.Model;

/// <summary><c>mesh model</c>: the model registry (models/&lt;name&gt;/manifest.yaml + the ONNX file; see docs/MODELS.md).</summary>
public static class ModelCommand
{
    public const string DefaultModels = "models";

    public static Command Create() => new("model", "Work with the model registry (models/<name>/): train the anomaly model, fetch public models, check them.")
    {
        Train(),
        Fetch(),
        Check(),
    };

    private static Command Train()
    {
        var seed = new Option<int>("--seed") { Description = "seed of the data generator and of training", DefaultValueFactory = _ => 42 };
        var output = new Option<string>("--out") { Description = "folder to write anomaly.onnx, manifest.yaml and evaluation.md into", DefaultValueFactory = _ => Path.Combine(DefaultModels, "anomaly") };
        var version = new Option<string>("--version") { Description = "the model version to write into the manifest", DefaultValueFactory = _ => "1.0.0" };
        var command = new Command("train", "Generate sensor data (daily cycles, drift, noise, injected faults), fit the multi-sensor anomaly detector in C#, "
            + "write it as ONNX with its manifest, and report precision and recall on held-out devices.")
        {
            seed, output, version,
        };
        command.SetAction((parse, ct) => ModelTrainConsole.RunAsync(parse.GetValue(seed), parse.GetValue(output)!, parse.GetValue(version)!, ct));
        return command;
    }

    private static Command Fetch()
    {
        var name = new Argument<string>("name") { Description = "the model's folder name under the registry, e.g. silero-vad" };
        var models = ModelsOption();
        var command = new Command("fetch", "Download a model this project did not write from the public npm package its manifest names; keep it only if its SHA-256 matches.")
        {
            name, models,
        };
        command.SetAction((parse, ct) => ModelFilesConsole.FetchAsync(parse.GetValue(models)!, parse.GetValue(name)!, ct));
        return command;
    }

    private static Command Check()
    {
        var models = ModelsOption();
        var profile = new Option<string>("--profile") { Description = "hardware profile id whose execution providers to open the models on", DefaultValueFactory = _ => "generic-x64-cpu" };
        var profiles = new Option<string>("--profiles") { Description = "hardware profile folder", DefaultValueFactory = _ => "hardware-profiles" };
        var command = new Command("check", "Check every model as a node does at start: manifest, file, SHA-256, and shapes against the ONNX file, opening each "
            + "on the profile's execution providers (with the fallback and its reason). Exit 0 only if every model passes.")
        {
            models, profile, profiles,
        };
        command.SetAction(parse => ModelFilesConsole.Check(parse.GetValue(models)!, parse.GetValue(profiles)!, parse.GetValue(profile)!));
        return command;
    }

    internal static Option<string> ModelsOption() =>
        new("--models") { Description = "the model registry folder", DefaultValueFactory = _ => DefaultModels };
}
