using System.Globalization;

namespace Mesh.Cli.Chaos;

/// <summary>
/// Which process holds the client end of a loopback TCP connection (Linux: <c>/proc/net/tcp*</c> names the socket's
/// inode, <c>/proc/&lt;pid&gt;/fd</c> the process that holds it). Lets a fault proxy tell apart the processes that connect to
/// it, which all come from 127.0.0.1.
/// </summary>
public static class SocketOwner
{
    /// <summary>Whether process <paramref name="processId"/> holds the socket connected from local port
    /// <paramref name="clientPort"/> to port <paramref name="serverPort"/>. False when either is gone.</summary>
    public static bool Holds(int processId, int clientPort, int serverPort)
    {
        if (Inode(clientPort, serverPort) is not { } inode)
            return false;
        var link = $"socket:[{inode}]";
        try
        {
            foreach (var fd in Directory.EnumerateFileSystemEntries($"/proc/{processId}/fd"))
            {
                try
                {
                    if (new FileInfo(fd).LinkTarget == link)
                        return true;
                }
                catch (IOException)
                {
                    // Closed while we looked.
                }
            }
        }
        catch (Exception ex) when (ex is DirectoryNotFoundException or UnauthorizedAccessException or IOException)
        {
            // The process is gone (or not ours to inspect).
        }
        return false;
    }

    /// <summary>The inode of the socket whose local port is <paramref name="localPort"/> and remote port
    /// <paramref name="remotePort"/> (IPv4 or IPv6 table), or null.</summary>
    private static string? Inode(int localPort, int remotePort)
    {
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            if (!File.Exists(table))
                continue;
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (f.Length > 9 && Port(f[1]) == localPort && Port(f[2]) == remotePort)
                    return f[9];
            }
        }
        return null;
    }

    private static int Port(string hexAddress) =>
        int.Parse(hexAddress.AsSpan(hexAddress.LastIndexOf(':') + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
}
