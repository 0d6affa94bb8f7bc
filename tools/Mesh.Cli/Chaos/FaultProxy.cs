using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Mesh.Cli.Chaos;

/// <summary>
/// A TCP proxy put between two processes (a node and its hub, two members of a site) to break the link on demand. It listens on
/// 127.0.0.1 on a port the OS picks and forwards to a target port. Faults, switchable at any time:
/// <see cref="Cut"/> (every connection reset now, new ones reset on accept), <see cref="Blackhole"/> (connections stay
/// open but nothing gets through either way, like a dead link; new ones are accepted and stay silent),
/// <see cref="Delay"/> (latency added to every forwarded chunk, both ways) and <see cref="Heal"/> (pass-through again;
/// connections that were blackholed are reset, so their clients reconnect rather than wait on a link that lost data).
/// <see cref="CutFrom"/> resets only what one client process sends through the proxy: with <see cref="Isolate"/> it
/// turns the proxies in front of a site's members into a partition that holds both ways.
/// Bounded: at most <see cref="MaxConnections"/> connections, one buffer per direction. Dispose stops it all.
/// </summary>
public sealed class FaultProxy : IAsyncDisposable
{
    public const int MaxConnections = 256;
    private const int BufferBytes = 64 * 1024;

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<Link, byte> _links = new();
    private readonly Task _accepting;
    private readonly ConcurrentDictionary<int, byte> _cutProcesses = new();
    private int _mode = (int)FaultMode.PassThrough;
    private long _delayTicks;
    private long _accepted;

    private FaultProxy(int targetPort)
    {
        _targetPort = targetPort;
        _listener.Start(MaxConnections);
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptLoopAsync();
    }

    /// <summary>Starts forwarding 127.0.0.1:<see cref="Port"/> to 127.0.0.1:<paramref name="targetPort"/>.</summary>
    public static FaultProxy Start(int targetPort) => new(targetPort);

    public int Port { get; }

    /// <summary>The proxy as an http:// address (for a gRPC client).</summary>
    public string Url => $"http://127.0.0.1:{Port}";

    public FaultMode Mode => (FaultMode)Volatile.Read(ref _mode);

    /// <summary>Connections open through the proxy now (silent ones included).</summary>
    public int OpenConnections => _links.Count;

    /// <summary>Connections accepted since start, refused ones included.</summary>
    public long Accepted => Interlocked.Read(ref _accepted);

    private TimeSpan CurrentDelay => TimeSpan.FromTicks(Interlocked.Read(ref _delayTicks));

    /// <summary>Resets every connection now and every new one as soon as it is accepted.</summary>
    public void Cut()
    {
        Volatile.Write(ref _mode, (int)FaultMode.Cut);
        foreach (var link in _links.Keys)
            link.Abort();
    }

    /// <summary>Resets every connection that process <paramref name="processId"/> opened through the proxy, now and
    /// as soon as it opens a new one; other clients pass (Linux only: see <see cref="SocketOwner"/>).</summary>
    public void CutFrom(int processId)
    {
        _cutProcesses[processId] = 0;
        foreach (var link in _links.Keys.Where(l => l.From(processId)))
            link.Abort();
    }

    /// <summary>
    /// Cuts member <paramref name="member"/> off from the others both ways, as a pulled cable would: its own proxy
    /// refuses everything (nothing reaches it), and the other members' proxies refuse what its process
    /// <paramref name="processId"/> sends (nothing from it reaches them). A cut of its proxy alone is one-way when each
    /// member sends over connections it opened itself: it still reaches the others, who see it unreachable while it
    /// reports them unreachable too. <see cref="Heal"/> each proxy to end it.
    /// </summary>
    public static void Isolate(IReadOnlyList<FaultProxy> proxies, int member, int processId)
    {
        proxies[member].Cut();
        for (var i = 0; i < proxies.Count; i++)
            if (i != member)
                proxies[i].CutFrom(processId);
    }

    /// <summary>Forwards nothing more, either way, on open connections and new ones, without closing any.</summary>
    public void Blackhole()
    {
        Volatile.Write(ref _mode, (int)FaultMode.Blackhole);
        foreach (var link in _links.Keys)
            link.Silence();
    }

    /// <summary>Holds every forwarded chunk back by <paramref name="latency"/>, both ways (on top of the current mode).</summary>
    public void Delay(TimeSpan latency)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(latency, TimeSpan.Zero);
        Interlocked.Exchange(ref _delayTicks, latency.Ticks);
    }

    /// <summary>Back to plain pass-through without delay; connections blackholed meanwhile are reset.</summary>
    public void Heal()
    {
        _cutProcesses.Clear();
        Interlocked.Exchange(ref _delayTicks, 0);
        Volatile.Write(ref _mode, (int)FaultMode.PassThrough);
        foreach (var link in _links.Keys.Where(l => l.Silenced))
            link.Abort();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            Interlocked.Increment(ref _accepted);
            if (Mode == FaultMode.Cut || _links.Count >= MaxConnections || FromCutProcess(client))
            {
                Reset(client);
                continue;
            }
            var link = new Link(this, client);
            _links.TryAdd(link, 0);
            _ = link.RunAsync();
        }
    }

    private bool FromCutProcess(Socket client) => !_cutProcesses.IsEmpty && _cutProcesses.Keys.Any(pid => OpenedBy(client, pid));

    /// <summary>Whether process <paramref name="processId"/> opened the connection this proxy accepted as <paramref name="client"/>.</summary>
    private bool OpenedBy(Socket client, int processId)
    {
        try
        {
            return client.RemoteEndPoint is IPEndPoint remote && SocketOwner.Holds(processId, remote.Port, Port);
        }
        catch (Exception ex) when (ex is ObjectDisposedException or SocketException)
        {
            return false;
        }
    }

    /// <summary>Closes with RST (linger 0): the peer learns at once, as when a middlebox drops the connection.</summary>
    private static void Reset(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already gone.
        }
        socket.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        var running = _links.Keys.Select(l => l.Running).ToList();
        foreach (var link in _links.Keys)
            link.Abort();
        await Task.WhenAll(running).WaitAsync(TimeSpan.FromSeconds(10));
        _stop.Dispose();
    }

    /// <summary>What the proxy does to traffic now.</summary>
    public enum FaultMode
    {
        PassThrough,
        Cut,
        Blackhole,
    }

    /// <summary>One client connection and, unless it was born silent, its upstream connection.</summary>
    private sealed class Link(FaultProxy proxy, Socket client)
    {
        private readonly CancellationTokenSource _cts = CancellationTokenSource.CreateLinkedTokenSource(proxy._stop.Token);
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private Socket? _upstream;
        private int _aborted;
        private volatile bool _silenced;

        public bool Silenced => _silenced;

        public Task Running => _done.Task;

        public void Silence() => _silenced = true;

        /// <summary>Whether process <paramref name="processId"/> opened this connection.</summary>
        public bool From(int processId) => proxy.OpenedBy(client, processId);

        public async Task RunAsync()
        {
            try
            {
                if (proxy.Mode == FaultMode.Blackhole)
                {
                    _silenced = true;
                    await PumpAsync(client, null);
                    return;
                }
                _upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                client.NoDelay = true;
                await _upstream.ConnectAsync(new IPEndPoint(IPAddress.Loopback, proxy._targetPort), _cts.Token);
                await Task.WhenAll(PumpAsync(client, _upstream), PumpAsync(_upstream, client));
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException or IOException)
            {
                // A reset, a refused upstream or the proxy stopping: the link is over either way.
            }
            finally
            {
                Abort();
                // An abort racing the connect may have missed the upstream socket.
                _upstream?.Dispose();
                _cts.Dispose();
                proxy._links.TryRemove(this, out _);
                _done.TrySetResult();
            }
        }

        /// <summary>Copies <paramref name="from"/> to <paramref name="to"/> chunk by chunk; drops chunks while silenced
        /// (or always, without a destination). An orderly close is passed on as a half-close.</summary>
        private async Task PumpAsync(Socket from, Socket? to)
        {
            var buffer = new byte[BufferBytes];
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, _cts.Token);
                if (read == 0)
                {
                    if (to is not null && !_silenced)
                        to.Shutdown(SocketShutdown.Send);
                    return;
                }
                if (to is null || _silenced)
                    continue;
                if (proxy.CurrentDelay is { Ticks: > 0 } delay)
                    await Task.Delay(delay, _cts.Token);
                if (_silenced)
                    continue;
                var sent = 0;
                while (sent < read)
                    sent += await to.SendAsync(buffer.AsMemory(sent, read - sent), SocketFlags.None, _cts.Token);
            }
        }

        public void Abort()
        {
            if (Interlocked.Exchange(ref _aborted, 1) != 0)
                return;
            try
            {
                _cts.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The link finished on its own meanwhile.
            }
            Reset(client);
            if (_upstream is not null)
                Reset(_upstream);
        }
    }
}
