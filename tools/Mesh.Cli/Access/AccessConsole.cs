using Mesh.Hub.Access;
using Spectre.Console;

namespace Mesh.Cli.Access;

/// <summary>Runs <c>mesh access</c>: writes only what the configuration needs to stdout, prompts and errors elsewhere.</summary>
internal static class AccessConsole
{
    /// <summary>Shorter passwords are refused: the hub faces guessing only through the lockout, not a stolen hash.</summary>
    public const int MinPasswordLength = 12;

    public static int HashPassword(int iterations, TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        string? password;
        if (Console.IsInputRedirected)
        {
            password = stdin.ReadLine();
        }
        else
        {
            password = AnsiConsole.Prompt(new TextPrompt<string>("Password:").Secret());
            var again = AnsiConsole.Prompt(new TextPrompt<string>("Again:").Secret());
            if (password != again)
            {
                stderr.WriteLine("mesh access hash-password: the two passwords differ; nothing was hashed.");
                return ExitCodes.Failure;
            }
        }
        if (password is null || password.Length < MinPasswordLength || password.Length > PasswordHash.MaxPasswordLength)
        {
            stderr.WriteLine($"mesh access hash-password: a password needs {MinPasswordLength}-{PasswordHash.MaxPasswordLength} characters (stdin: one line); nothing was hashed.");
            return ExitCodes.Failure;
        }
        stdout.WriteLine(PasswordHash.Create(password, iterations));
        return ExitCodes.Ok;
    }

    public static int Token(string name, string role, int index, TextWriter stdout)
    {
        var token = ApiToken.New();
        var key = $"Hub:Access:Tokens:{index}";
        stdout.WriteLine($"Token for {name} ({role}); it is shown only now, store it (e.g. in {HubConnection.TokenVariable}):");
        stdout.WriteLine();
        stdout.WriteLine($"  {token}");
        stdout.WriteLine();
        stdout.WriteLine($"Add to the hub's configuration ({index} = a free index of Hub:Access:Tokens), then restart it:");
        stdout.WriteLine();
        stdout.WriteLine($"  {key}:Name={name}");
        stdout.WriteLine($"  {key}:Role={role}");
        stdout.WriteLine($"  {key}:Sha256={ApiToken.Sha256Hex(token)}");
        return ExitCodes.Ok;
    }
}
