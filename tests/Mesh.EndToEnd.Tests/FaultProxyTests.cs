using Mesh.Cli.Chaos;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Mesh.EndToEnd.Tests.Support;

namespace Mesh.EndToEnd.Tests;

/// <summary>The tests' TCP fault proxy does what each mode says, against a tiny echo server.</summary>
public sealed class FaultProxyTests : IAsyncLifetime
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private readonly TcpListener _echo = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private Task _echoing = Task.CompletedTask;
    private FaultProxy _proxy = null!;

    public Task InitializeAsync()
    {
        _echo.Start();
        _echoing = EchoAsync();
        _proxy = FaultProxy.Start(((IPEndPoint)_echo.LocalEndpoint).Port);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _stop.CancelAsync();
        _echo.Stop();
        await _echoing;
    }

    private async Task EchoAsync()
    {
        var clients = new List<Task>();
        try
        {
            while (true)
            {
                var socket = await _echo.AcceptSocketAsync(_stop.Token);
                clients.Add(Task.Run(async () =>
                {
                    using var s = socket;
                    var buffer = new byte[1024];
                    try
                    {
                        int n;
                        while ((n = await s.ReceiveAsync(buffer, SocketFlags.None, _stop.Token)) > 0)
                            await s.SendAsync(buffer.AsMemory(0, n), SocketFlags.None, _stop.Token);
                    }
                    catch (Exception ex) when (ex is SocketException or OperationCanceledException)
                    {
                    }
                }));
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
        await Task.WhenAll(clients);
    }

    private async Task<NetworkStream> ConnectAsync()
    {
        var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync(IPAddress.Loopback, _proxy.Port);
        return client.GetStream();
    }

    /// <summary>Connects and reads once; "closed" also when the reset beats the connect's own completion.</summary>
    private async Task<string?> ConnectThenReadAsync()
    {
        try
        {
            await using var stream = await ConnectAsync();
            return await ReadAsync(stream, Deadline);
        }
        catch (SocketException)
        {
            return "closed";
        }
    }

    /// <summary>What one read brings within <paramref name="within"/>: the text, "closed" (orderly or reset), or null (silence).</summary>
    private static async Task<string?> ReadAsync(NetworkStream stream, TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        var buffer = new byte[1024];
        try
        {
            var n = await stream.ReadAsync(buffer, timeout.Token);
            return n == 0 ? "closed" : Encoding.ASCII.GetString(buffer, 0, n);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
        catch (IOException)
        {
            return "closed";
        }
    }

    private static async Task<string?> RoundTripAsync(NetworkStream stream, string text, TimeSpan within)
    {
        await stream.WriteAsync(Encoding.ASCII.GetBytes(text));
        return await ReadAsync(stream, within);
    }

    [Fact]
    public async Task Proxy_PassThrough_ForwardsBothWays()
    {
        await using var stream = await ConnectAsync();

        (await RoundTripAsync(stream, "ping", Deadline)).ShouldBe("ping");
        _proxy.OpenConnections.ShouldBe(1);
    }

    [Fact]
    public async Task Proxy_Cut_ResetsOpenConnectionsAndRefusesNewOnes()
    {
        await using var open = await ConnectAsync();
        (await RoundTripAsync(open, "before", Deadline)).ShouldBe("before");

        _proxy.Cut();

        (await ReadAsync(open, Deadline)).ShouldBe("closed", "a cut closes what was open, at once");
        var accepted = _proxy.Accepted;
        (await ConnectThenReadAsync()).ShouldBe("closed", "a new connection is accepted and closed at once");
        _proxy.Accepted.ShouldBe(accepted + 1);
        _proxy.Mode.ShouldBe(FaultProxy.FaultMode.Cut);
    }

    [Fact]
    public async Task Proxy_CutFrom_ResetsOnlyWhatThatProcessOpened()
    {
        await using var open = await ConnectAsync();
        (await RoundTripAsync(open, "before", Deadline)).ShouldBe("before");
        using var other = Process.Start(new ProcessStartInfo("sleep", "30") { UseShellExecute = false })!;
        try
        {
            _proxy.CutFrom(other.Id);
            (await RoundTripAsync(open, "still", Deadline)).ShouldBe("still", "another process's cut leaves this process's connection alone");

            _proxy.CutFrom(Environment.ProcessId);
            (await ReadAsync(open, Deadline)).ShouldBe("closed", "this process's connection is reset at once");
            (await ConnectThenReadAsync()).ShouldBe("closed", "and every new one it opens");
            _proxy.Mode.ShouldBe(FaultProxy.FaultMode.PassThrough, "the proxy itself still passes other processes' traffic");

            _proxy.Heal();
            await using var after = await ConnectAsync();
            (await RoundTripAsync(after, "after", Deadline)).ShouldBe("after");
        }
        finally
        {
            other.Kill();
        }
    }

    [Fact]
    public async Task Proxy_Blackhole_KeepsConnectionsOpenButSilentUntilHealResetsThem()
    {
        await using var open = await ConnectAsync();
        (await RoundTripAsync(open, "before", Deadline)).ShouldBe("before");

        _proxy.Blackhole();

        (await RoundTripAsync(open, "lost", Quiet)).ShouldBeNull("nothing comes back, and the connection is not closed");
        await using var fresh = await ConnectAsync();
        (await RoundTripAsync(fresh, "into the void", Quiet)).ShouldBeNull("a new connection is accepted but silent");
        _proxy.OpenConnections.ShouldBe(2);

        _proxy.Heal();

        (await ReadAsync(open, Deadline)).ShouldBe("closed", "heal resets what the blackhole swallowed data on");
        (await ReadAsync(fresh, Deadline)).ShouldBe("closed");
        await using var after = await ConnectAsync();
        (await RoundTripAsync(after, "after", Deadline)).ShouldBe("after");
    }

    [Fact]
    public async Task Proxy_Delay_AddsLatencyBothWaysUntilHealed()
    {
        await using var stream = await ConnectAsync();
        (await RoundTripAsync(stream, "warm", Deadline)).ShouldBe("warm");

        _proxy.Delay(TimeSpan.FromMilliseconds(200));
        var slow = Stopwatch.StartNew();
        (await RoundTripAsync(stream, "slow", Deadline)).ShouldBe("slow");
        slow.Stop();
        _proxy.Heal();
        var fast = Stopwatch.StartNew();
        (await RoundTripAsync(stream, "fast", Deadline)).ShouldBe("fast");
        fast.Stop();

        slow.Elapsed.ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(390), "200 ms out and 200 ms back");
        fast.Elapsed.ShouldBeLessThan(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task Proxy_Dispose_ClosesEveryConnection()
    {
        await using var stream = await ConnectAsync();
        (await RoundTripAsync(stream, "x", Deadline)).ShouldBe("x");

        await _proxy.DisposeAsync();

        (await ReadAsync(stream, Deadline)).ShouldBe("closed");
        _proxy = FaultProxy.Start(((IPEndPoint)_echo.LocalEndpoint).Port);
    }
}
