using Akka.Actor;
using Mesh.Node.Audit;

namespace Mesh.Node.Agents;

/// <summary>Parent of the device agents: routes each command to its device's agent, starting it on first use.</summary>
public sealed class DeviceManager : ReceiveActor
{
    public DeviceManager(AgentSettings settings, AuditJournal journal)
    {
        Receive<IDeviceCommand>(cmd =>
        {
            var name = ChildName(cmd.Site, cmd.Device);
            var child = Context.Child(name);
            if (child.IsNobody())
                child = Context.ActorOf(DeviceAgent.Props(cmd.Site, cmd.Device, settings, journal), name);
            child.Forward(cmd);
        });
    }

    public static Props Props(AgentSettings settings, AuditJournal journal) =>
        Akka.Actor.Props.Create(() => new DeviceManager(settings, journal));

    /// <summary>Actor names allow a limited alphabet; escape the ids so any valid topic segment works.</summary>
    public static string ChildName(string site, string device) => Uri.EscapeDataString($"{site}~{device}");

    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(10, TimeSpan.FromMinutes(1), _ => Directive.Restart);
}
