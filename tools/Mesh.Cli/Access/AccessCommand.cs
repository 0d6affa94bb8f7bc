using System.CommandLine;
using Mesh.Hub.Access;

namespace Mesh.Cli.Access;

/// <summary><c>mesh access</c>: make the secrets the hub's access configuration holds (docs/ACCESS.md).</summary>
public static class AccessCommand
{
    public static Command Create() => new("access", "Make password hashes and API tokens for the hub's access configuration (Hub:Access).")
    {
        HashPassword(),
        Token(),
    };

    private static Command HashPassword()
    {
        var iterations = new Option<int>("--iterations")
        {
            Description = $"PBKDF2 iterations (default and least {PasswordHash.MinIterations:N0})",
            DefaultValueFactory = _ => PasswordHash.MinIterations,
        };
        iterations.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < PasswordHash.MinIterations or > PasswordHash.MaxIterations)
                result.AddError($"--iterations must be {PasswordHash.MinIterations}..{PasswordHash.MaxIterations}");
        });
        var command = new Command("hash-password", """
            Hash a console user's password for Hub:Access:Users:<n>:PasswordHash. The password is read from stdin
            (one line) when stdin is not a terminal, else asked for twice without echo; never from the command line.
            """) { iterations };
        command.SetAction(parse => AccessConsole.HashPassword(parse.GetValue(iterations), Console.In, Console.Out, Console.Error));
        return command;
    }

    private static Command Token()
    {
        var name = new Option<string>("--name") { Description = "who uses the token; the action log names this actor, e.g. ci-deploy", Required = true };
        name.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is { } n && !AccessOptionsValidator.IsValidName(n))
                result.AddError($"--name '{n}' is not a name: 1-{AccessOptionsValidator.MaxNameLength} characters, no white space, control characters or '$'");
        });
        var role = new Option<string>("--role") { Description = "viewer, operator or admin", Required = true };
        role.AcceptOnlyFromAmong([.. AccessRoles.All]);
        var index = new Option<int>("--index") { Description = "the index to use in Hub:Access:Tokens:<index> (default 0)", DefaultValueFactory = _ => 0 };
        index.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 0)
                result.AddError("--index must be 0 or more");
        });
        var command = new Command("token", "Make an API token: prints the token once (store it now) and the configuration lines that let the hub accept it.")
        {
            name, role, index,
        };
        command.SetAction(parse => AccessConsole.Token(parse.GetValue(name)!, parse.GetValue(role)!, parse.GetValue(index), Console.Out));
        return command;
    }
}
