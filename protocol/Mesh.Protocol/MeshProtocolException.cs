namespace Mesh.Protocol;

/// <summary>Base of every error raised by Mesh.Protocol.</summary>
public class MeshProtocolException : Exception
{
    public MeshProtocolException(string message) : base(message) { }

    public MeshProtocolException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>Canonical audit bytes that cannot be decoded; <see cref="Offset"/> says where.</summary>
public sealed class AuditFormatException : MeshProtocolException
{
    public AuditFormatException(string message, int offset)
        : base($"{message} (at byte {offset})") => Offset = offset;

    public int Offset { get; }
}
