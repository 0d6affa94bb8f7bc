using System.CommandLine;

namespace Mesh.Cli.Profile;

/// <summary><c>mesh profile</c>: work with hardware profiles (format: hardware-profiles/README.md).</summary>
public static class ProfileCommand
{
    /// <summary>Where <c>mesh profile validate</c> looks when given no path, relative to the current directory.</summary>
    public const string DefaultFolder = "hardware-profiles";

    public static Command Create() => new("profile", "Work with hardware profiles (hardware-profiles/<id>.yaml): validate them, or measure this machine.")
    {
        Validate(),
        Calibrate(),
    };

    private static Command Calibrate()
    {
        var id = new Option<string>("--id") { Description = "the new profile's id (also its file name)", DefaultValueFactory = _ => "this-machine" };
        var description = new Option<string>("--description") { Description = "one line for people", DefaultValueFactory = _ => "Calibrated on " + Environment.MachineName };
        var output = new Option<string?>("--out") { Description = "file to write (default: <id>.yaml in the current directory)" };
        var models = Model.ModelCommand.ModelsOption();
        var location = new Option<string>("--location") { Description = "edge or cloud", DefaultValueFactory = _ => "edge" };
        var rtt = new Option<double>("--cloud-rtt-ms") { Description = "round trip to the cloud region (edge) or to the edge sites (cloud), ms; not measured", DefaultValueFactory = _ => 30 };
        var perHour = new Option<double>("--per-hour-usd") { Description = "running cost per hour, USD (0 for hardware already paid for)", DefaultValueFactory = _ => 0 };
        var per1k = new Option<double>("--per-1k-usd") { Description = "marginal cost of 1000 inferences, USD", DefaultValueFactory = _ => 0 };
        var runs = new Option<int>("--runs") { Description = "timed runs per model and provider", DefaultValueFactory = _ => 2000 };
        var command = new Command("calibrate", "Measure this machine (cores, memory, CPU, NVIDIA GPUs, the execution providers that open, and each reading "
            + "model's latency on each) and write a hardware profile; what cannot be measured is taken from the options and marked an estimate.")
        {
            id, description, output, models, location, rtt, perHour, per1k, runs,
        };
        command.SetAction(parse => parse.GetValue(location) is not ("edge" or "cloud")
            ? Usage($"--location must be edge or cloud, not '{parse.GetValue(location)}'")
            : ProfileCalibrateConsole.Run(
            new CalibrationInputs(parse.GetValue(id)!, parse.GetValue(description)!,
                parse.GetValue(location) == "cloud" ? Mesh.Protocol.Profiles.ProfileLocation.Cloud : Mesh.Protocol.Profiles.ProfileLocation.Edge,
                parse.GetValue(rtt), parse.GetValue(perHour), parse.GetValue(per1k), parse.GetValue(runs)),
            parse.GetValue(models)!, parse.GetValue(output) ?? parse.GetValue(id) + ".yaml"));
        return command;
    }

    private static int Usage(string problem)
    {
        Console.Error.WriteLine($"mesh profile calibrate: {problem}");
        return ExitCodes.Usage;
    }

    private static Command Validate()
    {
        var paths = new Argument<string[]>("path")
        {
            Description = $"profile files or folders of them (default: {DefaultFolder}/ in the current directory)",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var command = new Command(
            "validate",
            "Check hardware profiles; print 'ok <file> (<id>, <location>, [<providers>])' per good profile and each error as file:line:column: message. Exit 0 only if every profile is valid.")
        {
            paths,
        };
        command.SetAction(parse => ProfileFilesConsole.Validate(parse.GetValue(paths) is { Length: > 0 } given ? given : [DefaultFolder], Console.Out));
        return command;
    }
}
