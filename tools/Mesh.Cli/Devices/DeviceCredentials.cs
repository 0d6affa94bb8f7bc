using Mesh.Cli.NodeInstall;
using Mesh.Protocol.Devices;

namespace Mesh.Cli.Devices;

/// <summary>
/// Plain-text passwords of devices this process provisioned (the simulator's, the demo's), by site and device id. They
/// live only in memory or in a credentials file the operator asked for (<c>--credentials-out</c>); the node's devices
/// file holds hashes only.
/// </summary>
public sealed class DeviceCredentials
{
    private readonly Dictionary<(string Site, string Device), string> _passwords = [];

    /// <summary>The password of <paramref name="device"/> of <paramref name="site"/>, or null.</summary>
    public string? Password(string site, string device) => _passwords.GetValueOrDefault((site, device));

    public int Count => _passwords.Count;

    public void Add(string site, string device, string password) => _passwords[(site, device)] = password;

    /// <summary>
    /// Gives each of <paramref name="devices"/> a new password and adds it (or replaces its hash) in the devices file of
    /// <paramref name="site"/> at <paramref name="file"/> (made when missing; refused when it is for another site or has
    /// errors). The file is replaced in one rename, so a node reading it never sees half of it.
    /// </summary>
    /// <exception cref="DeviceFileException">The file exists and cannot be used.</exception>
    public static DeviceCredentials Provision(string file, string site, IEnumerable<string> devices, int iterations = DevicePassword.DefaultIterations)
    {
        var list = ReadOrNew(file, site);
        var credentials = new DeviceCredentials();
        foreach (var device in devices)
        {
            if (!DeviceIds.IsValid(device))
                throw new DeviceFileException($"'{device}' is not a valid device id: {DeviceIds.Rule}");
            var password = DevicePassword.Generate();
            list = list.With(new DeviceEntry(device, DevicePassword.Hash(password, iterations)));
            credentials.Add(site, device, password);
        }
        Write(file, list);
        return credentials;
    }

    /// <summary>The devices file at <paramref name="file"/>, or an empty list of <paramref name="site"/> when there is none.</summary>
    public static DeviceList ReadOrNew(string file, string site)
    {
        if (!File.Exists(file))
            return new DeviceList(site, []);
        var result = DeviceListLoader.LoadFile(file);
        if (result.List is not { } list)
            throw new DeviceFileException(string.Join(Environment.NewLine, result.Errors));
        if (list.Site != site)
            throw new DeviceFileException($"{file}: the devices file is for site '{list.Site}', not '{site}'");
        return list;
    }

    /// <summary>Writes <paramref name="list"/> to <paramref name="file"/> through a rename: a new file is owner read/write
    /// only; a replaced one keeps its mode, owner and group (an installed node's <c>/etc/mesh/devices.yaml</c> is 0640
    /// root:mesh, and the node, running as mesh, must go on reading it).</summary>
    public static void Write(string file, DeviceList list)
    {
        var full = Path.GetFullPath(file);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = full + ".tmp-" + Guid.NewGuid().ToString("N")[..8];
        WritePrivate(temp, DeviceListLoader.Write(list));
        if (!OperatingSystem.IsWindows() && File.Exists(full))
        {
            File.SetUnixFileMode(temp, File.GetUnixFileMode(full));
            if (Environment.IsPrivilegedProcess)
                UnixNative.CopyOwner(full, temp);
        }
        File.Move(temp, full, overwrite: true);
    }

    /// <summary>Writes a secret: the file is created readable by its owner only (on Unix) before anything is in it.</summary>
    public static void WritePrivate(string path, string text)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var stream = new FileStream(path, options);
        using var writer = new StreamWriter(stream);
        writer.Write(text);
    }

    /// <summary>Lines of <c>&lt;device&gt;:&lt;password&gt;</c> for <c>mesh sim --credentials</c>.</summary>
    public string ToCredentialsFile(string site) =>
        string.Concat(_passwords.Where(p => p.Key.Site == site).OrderBy(p => p.Key.Device, StringComparer.Ordinal).Select(p => $"{p.Key.Device}:{p.Value}\n"));

    /// <summary>Reads a credentials file (<c>&lt;device&gt;:&lt;password&gt;</c> lines; '#' starts a comment) for every site
    /// in <paramref name="sites"/>.</summary>
    /// <exception cref="DeviceFileException">A line is not <c>device:password</c> (named by file:line).</exception>
    public static DeviceCredentials ReadCredentialsFile(string path, IEnumerable<string> sites)
    {
        var credentials = new DeviceCredentials();
        var lines = File.ReadAllLines(path);
        var siteList = sites.ToList();
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
                continue;
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || colon == line.Length - 1 || !DeviceIds.IsValid(line[..colon]))
                throw new DeviceFileException($"{path}:{i + 1}:1: expected '<device id>:<password>'");
            foreach (var site in siteList)
                credentials.Add(site, line[..colon], line[(colon + 1)..]);
        }
        return credentials;
    }
}

/// <summary>A devices or credentials file that cannot be used; the message says where and why.</summary>
public sealed class DeviceFileException(string message) : Exception(message);
