namespace Mesh.Cli.Sim;

/// <summary>The simulation could not start (for example, no broker answered); the message says what to do.</summary>
public sealed class SimulatorException : Exception
{
    public SimulatorException(string message)
        : base(message)
    {
    }

    public SimulatorException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
