namespace Mesh.Hub;

/// <summary>Base of every error raised by the hub itself.</summary>
public class HubException : Exception
{
    public HubException(string message) : base(message) { }

    public HubException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>The audit store could not read or write; nothing of the failed operation was stored.</summary>
public sealed class HubStorageException : HubException
{
    public HubStorageException(string message, Exception inner) : base(message, inner) { }

    public HubStorageException(string message) : base(message) { }
}
