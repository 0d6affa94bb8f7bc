using System.Diagnostics;
using Mesh.Protocol;
using Mesh.Protocol.Topics;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Mesh.Cli.Sim;

/// <summary>One simulated device: its own MQTT connection (clean session), its stream of readings, and
/// what the node acknowledged. The publish loop is in <c>SimulatedDevice.Loop.cs</c>.</summary>
internal sealed partial class SimulatedDevice : IDisposable
{
    private readonly IMqttClient _client;
    private readonly MqttClientOptions[] _brokers;
    private int _broker;
    private readonly DeviceReadings _readings;
    private readonly string _topic;
    private readonly Backoff _backoff = new();
    private readonly List<long> _ackedSeqs = [];
    private readonly List<double> _latenciesMs = [];

    /// <param name="index">The device's position in the run; spreads devices over the site's brokers.</param>
    public SimulatedDevice(MqttClientFactory factory, SimulatorOptions options, string site, string device, int index = 0)
    {
        Site = site;
        Device = device;
        var password = options.Credentials?.Password(site, device);
        ClientId = password is null ? $"{options.ClientIdPrefix}-{site}-{device}" : device;
        _topic = MeshTopics.Telemetry(new SiteId(site), new DeviceId(device));
        _readings = new DeviceReadings(options, site, device);
        _client = factory.CreateMqttClient();
        _brokers = options.Brokers.Select(port => WithPassword(new MqttClientOptionsBuilder(), device, password)
            .WithTcpServer(options.Host, port)
            .WithClientId(ClientId)
            .WithCleanSession(true)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithTimeout(options.AckTimeout)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(15))
            .Build()).ToArray();
        _broker = index % _brokers.Length;
    }

    private static MqttClientOptionsBuilder WithPassword(MqttClientOptionsBuilder builder, string device, string? password) =>
        password is null ? builder : builder.WithCredentials(device, password);

    private MqttClientOptions CurrentBroker => _brokers[_broker];

    /// <summary>After a failed connection attempt: the next of the site's brokers (no change with one broker).</summary>
    private void NextBroker() => _broker = (_broker + 1) % _brokers.Length;

    public string Site { get; }

    public string Device { get; }

    public string ClientId { get; }

    public bool IsConnected => _client.IsConnected;

    /// <summary>Seqs of acknowledged valid readings, ascending (readings are acknowledged in order).</summary>
    public IReadOnlyList<long> AckedSeqs => _ackedSeqs;

    public IReadOnlyList<double> LatenciesMs => _latenciesMs;

    /// <summary>Connects, retrying with backoff until <paramref name="timeout"/>; throws the last error after that.</summary>
    public async Task ConnectAsync(TimeSpan timeout, CancellationToken ct)
    {
        var start = Stopwatch.GetTimestamp();
        while (true)
        {
            try
            {
                var result = await _client.ConnectAsync(CurrentBroker, ct).ConfigureAwait(false);
                if (result.ResultCode != MqttClientConnectResultCode.Success)
                    throw new SimulatorException($"the broker refused device {Device}: {result.ResultCode} {result.ReasonString}".TrimEnd());
                _backoff.Reset();
                return;
            }
            catch (Exception) when (!ct.IsCancellationRequested && Stopwatch.GetElapsedTime(start) < timeout)
            {
                NextBroker();
                await _backoff.DelayAsync(ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Sends a normal DISCONNECT if still connected; never throws.</summary>
    public async Task DisconnectAsync(TimeSpan timeout)
    {
        if (!_client.IsConnected)
            return;
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), cts.Token).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Best effort: the broker drops the session when the socket closes anyway.
        }
    }

    public void Dispose() => _client.Dispose();

    private async Task<PublishOutcome> PublishAsync(Reading reading, SimulationRun run)
    {
        if (reading.Attempts++ == 0)
        {
            reading.FirstAttempt = Stopwatch.GetTimestamp();
            run.Counters.FirstAttempt(reading);
        }
        else
        {
            run.Counters.Retry();
        }
        if (!_client.IsConnected)
            return PublishOutcome.Failed(new InvalidOperationException("not connected"));
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(_topic)
            .WithPayload(reading.Payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        var start = Stopwatch.GetTimestamp();
        try
        {
            var result = await _client.PublishAsync(message, run.Running).ConfigureAwait(false);
            // 0x00 and 0x10 (no matching subscribers) both mean the broker took the message; 0x80 and up are refusals.
            var acked = result.ReasonCode is MqttClientPublishReasonCode.Success or MqttClientPublishReasonCode.NoMatchingSubscribers;
            return new PublishOutcome(acked, result.ReasonCode, null, Stopwatch.GetElapsedTime(start));
        }
        catch (Exception ex)
        {
            return PublishOutcome.Failed(ex);
        }
    }

    /// <summary>How one publish attempt ended: a PUBACK with its reason code, or an error (no PUBACK).</summary>
    private readonly record struct PublishOutcome(bool Acked, MqttClientPublishReasonCode? ReasonCode, Exception? Error, TimeSpan Latency)
    {
        public static PublishOutcome Failed(Exception error) => new(false, null, error, TimeSpan.Zero);
    }
}
