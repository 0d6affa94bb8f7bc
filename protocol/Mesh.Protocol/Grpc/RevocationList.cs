namespace Mesh.Protocol.Grpc;

/// <summary>The fleet's revoked certificate serials as the hub sends them on the watch stream.</summary>
public sealed partial class RevocationList
{
    /// <summary>A list of <paramref name="serials"/> with the count that matches them.</summary>
    public static RevocationList Of(IReadOnlyCollection<string> serials)
    {
        var list = new RevocationList { Count = (ulong)serials.Count };
        list.Serials.AddRange(serials);
        return list;
    }
}
