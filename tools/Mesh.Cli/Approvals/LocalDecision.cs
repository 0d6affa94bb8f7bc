using System.Text;
using Mesh.Protocol;
using Mesh.Protocol.Approvals;
using MQTTnet;
using MQTTnet.Protocol;

namespace Mesh.Cli.Approvals;

/// <summary>
/// Decides an approval at the site while the hub is unreachable: publishes a <see cref="LocalApproval"/> signed
/// with the site token to the node's MQTT broker, and waits for the node's answer on the result topic.
/// </summary>
internal static class LocalDecision
{
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(15);

    public static async Task<int> RunAsync(string broker, string site, string siteToken, string id, bool approved, string by, string? comment, CancellationToken ct)
    {
        var (host, port) = ParseBroker(broker);
        var factory = new MqttClientFactory();
        using var client = factory.CreateMqttClient();
        var answer = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.ApplicationMessageReceivedAsync += e =>
        {
            answer.TrySetResult(Encoding.UTF8.GetString(e.ApplicationMessage.Payload));
            return Task.CompletedTask;
        };
        try
        {
            var connected = await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer(host, port)
                .WithClientId($"mesh-approvals-{Guid.NewGuid():N}"[..32]).WithCleanSession()
                // The node's site account: a node that requires device credentials admits the site token's holder for this.
                .WithCredentials(Mesh.Node.Devices.BrokerAccess.SiteAccount, siteToken).Build(), ct).ConfigureAwait(false);
            if (connected.ResultCode != MqttClientConnectResultCode.Success)
            {
                Console.Error.WriteLine($"mesh approvals: the node's MQTT broker at {host}:{port} refused the site account: {connected.ResultCode}; is --site-token the node's Node:Approvals:SiteToken?");
                return ExitCodes.Failure;
            }
        }
        catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or System.Net.Sockets.SocketException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            Console.Error.WriteLine($"mesh approvals: cannot reach the node's MQTT broker at {host}:{port} ({ex.Message}); pass it with --node-mqtt HOST:PORT");
            return ExitCodes.Failure;
        }
        var siteId = new SiteId(site);
        await client.SubscribeAsync(LocalApproval.ResultTopic(siteId, id), MqttQualityOfServiceLevel.AtLeastOnce, ct).ConfigureAwait(false);
        var decision = LocalApproval.Create(siteToken, id, approved, by, comment ?? "", DateTimeOffset.UtcNow);
        await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(LocalApproval.Topic(siteId)).WithPayload(decision.ToJson())
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(), ct).ConfigureAwait(false);
        string result;
        try
        {
            result = await answer.Task.WaitAsync(AnswerTimeout, ct).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Console.Error.WriteLine($"mesh approvals: the node did not answer within {AnswerTimeout.TotalSeconds:0} s; is --site {site} the site it serves?");
            return ExitCodes.Failure;
        }
        await client.DisconnectAsync(cancellationToken: CancellationToken.None).ConfigureAwait(false);
        Console.WriteLine($"{id}: {result}");
        return result.StartsWith("accepted", StringComparison.Ordinal) ? ExitCodes.Ok : ExitCodes.Failure;
    }

    /// <summary>HOST:PORT, or HOST (port 1883).</summary>
    public static (string Host, int Port) ParseBroker(string value)
    {
        var colon = value.LastIndexOf(':');
        return colon > 0 && int.TryParse(value[(colon + 1)..], out var port) && port is > 0 and < 65536
            ? (value[..colon], port)
            : (value, 1883);
    }
}
