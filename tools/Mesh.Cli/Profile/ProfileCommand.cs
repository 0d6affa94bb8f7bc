using System.CommandLine;

namespace Mesh.Cli.Profile;

/// <summary><c>mesh profile</c>: work with hardware profiles (format: hardware-profiles/README.md).</summary>
public static class ProfileCommand
{
    /// <summary>Where <c>mesh profile validate</c> looks when given no path, relative to the current directory.</summary>
    public const string DefaultFolder = "hardware-profiles";

    public static Command Create() => new("profile", "Work with hardware profiles (hardware-profiles/<id>.yaml): validate them.")
    {
        Validate(),
    };

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
