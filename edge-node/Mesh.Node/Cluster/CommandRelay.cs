using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Mesh.Node.Ingest;
using Mesh.Protocol;

namespace Mesh.Node.Cluster;

/// <summary>A command for a device, handed to every member of the site so that the member whose broker the device is on delivers it.</summary>
public sealed record RelayedCommand(string Site, string Device, string Body) : ISiteMessage;

/// <summary>
/// One per site member (embedded brokers): publishes every relayed command on this member's broker. A device is
/// connected to one broker at a time, so it receives the command once; members where it is not connected publish to
/// no subscriber.
/// </summary>
public sealed class CommandRelay : ReceiveActor
{
    public const string Topic = "device-commands";

    public CommandRelay(CommandSender commands, IActorRef mediator)
    {
        mediator.Tell(new Subscribe(Topic, Self));
        Receive<SubscribeAck>(_ => { });
        ReceiveAsync<RelayedCommand>(c => commands.PublishLocalAsync(new SiteId(c.Site), new DeviceId(c.Device), c.Body, CancellationToken.None));
    }

    public static Props Props(CommandSender commands, IActorRef mediator) => Akka.Actor.Props.Create(() => new CommandRelay(commands, mediator));

    /// <summary>Points <paramref name="commands"/> at the site: every command goes to every member's relay.</summary>
    public static void Attach(CommandSender commands, IActorRef mediator) =>
        commands.Relay = (site, device, body) => mediator.Tell(new Publish(Topic, new RelayedCommand(site.Value, device.Value, body)));
}
