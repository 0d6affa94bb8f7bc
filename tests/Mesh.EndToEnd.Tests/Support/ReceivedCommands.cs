using System.Text.Json;

namespace Mesh.EndToEnd.Tests.Support;

/// <summary>The commands a <see cref="TestDevice"/> has received, parsed.</summary>
public static class ReceivedCommands
{
    public static List<JsonElement> Of(TestDevice device) =>
        [.. device.Received.Where(m => m.Topic.EndsWith("/command", StringComparison.Ordinal)).Select(m => JsonDocument.Parse(m.Payload).RootElement.Clone())];

    public static List<JsonElement> Of(TestDevice device, string action) =>
        [.. Of(device).Where(c => c.GetProperty("action").GetString() == action)];

    /// <summary>Waits for a command <paramref name="action"/> for reading <paramref name="seq"/>; returns it.</summary>
    public static async Task<JsonElement> WaitForAsync(TestDevice device, string action, long seq, TimeSpan timeout)
    {
        await Poll.UntilAsync(() => Of(device, action).Any(c => c.GetProperty("seq").GetInt64() == seq), timeout, $"command {action} for reading {seq}");
        return Of(device, action).First(c => c.GetProperty("seq").GetInt64() == seq);
    }
}
