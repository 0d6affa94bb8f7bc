namespace Mesh.Cli;

/// <summary>The exit codes of every <c>mesh</c> command.</summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The command ran and failed (or a verification failed).</summary>
    public const int Failure = 1;

    /// <summary>The command line was wrong; nothing was done.</summary>
    public const int Usage = 2;
}
