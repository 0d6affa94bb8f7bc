using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Mesh.Protocol.Devices;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mesh.Node.Devices;

/// <summary>
/// The site's devices as the embedded broker admits them: read from the devices file at start, then re-read when the
/// file changes. A file with errors (each named as file:line:column) is refused and the last good list stays; so does
/// a file that went missing. Successful password checks are remembered (as an HMAC under a key of this process), so a
/// device reconnecting does not pay the PBKDF2 cost again.
/// </summary>
public sealed class DeviceRegistry(IOptions<NodeOptions> options, ILogger<DeviceRegistry> logger) : BackgroundService
{
    private readonly DeviceAccessOptions _options = options.Value.Devices;
    private readonly string _site = options.Value.Site;
    private readonly byte[] _cacheKey = RandomNumberGenerator.GetBytes(32);
    private readonly ConcurrentDictionary<string, (string Hash, byte[] Mac)> _verified = new(StringComparer.Ordinal);
    private (DateTime Written, long Length)? _seen;
    private volatile Dictionary<string, DeviceEntry>? _devices;

    /// <summary>The devices file this node reads.</summary>
    public string FilePath { get; } = Path.GetFullPath(options.Value.Devices.PathIn(options.Value.DataDirectory));

    /// <summary>Devices admitted now; 0 before any good list was read.</summary>
    public int Count => _devices?.Count ?? 0;

    /// <summary>True once a good list was read (it may be empty).</summary>
    public bool Loaded => _devices is not null;

    /// <summary>Whether <paramref name="id"/> is a device of the current list.</summary>
    public bool Contains(string id) => _devices?.ContainsKey(id) == true;

    /// <summary>Null when <paramref name="id"/> with <paramref name="password"/> is a device of the current list;
    /// otherwise why not.</summary>
    public string? Authenticate(string id, string? password)
    {
        if (_devices is not { } devices)
            return $"no devices file has been loaded ({FilePath})";
        if (!devices.TryGetValue(id, out var device))
            return $"'{id}' is not a device of site {_site} (not in the devices file)";
        if (string.IsNullOrEmpty(password))
            return $"device '{id}' sent no password";
        var mac = HMACSHA256.HashData(_cacheKey, Encoding.UTF8.GetBytes(password));
        if (_verified.TryGetValue(id, out var known) && known.Hash == device.PasswordHash && CryptographicOperations.FixedTimeEquals(known.Mac, mac))
            return null;
        if (!DevicePassword.Verify(password, device.PasswordHash))
            return $"wrong password for device '{id}'";
        _verified[id] = (device.PasswordHash, mac);
        return null;
    }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_options.AllowAnonymous)
            DeviceAccessLog.AnonymousAllowed(logger);
        else
            Check();
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_options.AllowAnonymous)
            return;
        using var timer = new PeriodicTimer(_options.PollInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            Check();
    }

    /// <summary>Reads the file when its time stamp or length changed since the last look.</summary>
    private void Check()
    {
        var info = new FileInfo(FilePath);
        if (!info.Exists)
        {
            if (_seen != (DateTime.MinValue, -1))
                DeviceAccessLog.FileMissing(logger, FilePath);
            _seen = (DateTime.MinValue, -1);
            return;
        }
        var stamp = (info.LastWriteTimeUtc, info.Length);
        if (_seen == stamp)
            return;
        _seen = stamp;
        var result = DeviceListLoader.LoadFile(FilePath);
        var errors = result.Errors.Select(e => e.ToString()).ToList();
        if (result.List is { } list && list.Site != _site)
            errors.Add($"{FilePath}:{SiteLine(FilePath)}: the devices file is for site '{list.Site}'; this node serves '{_site}' (Node:Site)");
        if (errors.Count > 0)
        {
            DeviceAccessLog.FileRefused(logger, Count, string.Join("; ", errors));
            return;
        }
        _devices = result.List!.Devices.ToDictionary(d => d.Id, StringComparer.Ordinal);
        DeviceAccessLog.Loaded(logger, FilePath, _devices.Count, _site);
    }

    /// <summary>line:column of the site's value, for the site-mismatch error.</summary>
    private static string SiteLine(string path)
    {
        try
        {
            var lines = File.ReadAllLines(path);
            for (var i = 0; i < lines.Length; i++)
                if (lines[i].StartsWith("site:", StringComparison.Ordinal))
                    return $"{i + 1}:{lines[i].IndexOf(lines[i][5..].TrimStart(), 5, StringComparison.Ordinal) + 1}";
        }
        catch (IOException)
        {
            // The file changed again: the next look reads it anew.
        }
        return "1:1";
    }
}
