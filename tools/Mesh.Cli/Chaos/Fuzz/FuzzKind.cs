namespace Mesh.Cli.Chaos.Fuzz;

/// <summary>What a fuzz run feeds: MQTT telemetry payloads, policy files or hardware profiles.</summary>
public enum FuzzKind
{
    Payload,
    Policy,
    Profile,
}
