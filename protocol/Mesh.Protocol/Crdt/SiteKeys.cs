using System.Globalization;
using Mesh.Protocol.Topics;

namespace Mesh.Protocol.Crdt;

/// <summary>The keys of a site's shared state. The prefix names the CRDT kind; the rest is a device id or a UTC day.</summary>
public static class SiteKeys
{
    public const string ModePrefix = "mode/";
    public const string AlarmsPrefix = "alarms/";
    public const string BudgetPrefix = "budget/";
    public const string CommandsPrefix = "commands/";

    public static string Mode(string device) => ModePrefix + device;

    public static string Alarms(string device) => AlarmsPrefix + device;

    public static string Commands(string device) => CommandsPrefix + device;

    public static string Budget(DateOnly utcDay) => BudgetPrefix + utcDay.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The kind <paramref name="key"/> names, or null with the reason when it is not a valid key.</summary>
    public static SiteEntryKind? KindOf(string key, out string? problem)
    {
        problem = null;
        foreach (var (prefix, kind) in new[] { (ModePrefix, SiteEntryKind.Mode), (AlarmsPrefix, SiteEntryKind.Alarms), (CommandsPrefix, SiteEntryKind.Commands) })
            if (key.StartsWith(prefix, StringComparison.Ordinal))
            {
                if (MeshTopics.IsValidSegment(key[prefix.Length..]))
                    return kind;
                problem = $"key '{Clip(key)}' does not end in a valid device id";
                return null;
            }
        if (key.StartsWith(BudgetPrefix, StringComparison.Ordinal))
        {
            if (DateOnly.TryParseExact(key[BudgetPrefix.Length..], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
                return SiteEntryKind.Budget;
            problem = $"key '{Clip(key)}' does not end in a day (yyyy-MM-dd)";
            return null;
        }
        problem = $"key '{Clip(key)}' is none of mode/, alarms/, budget/, commands/";
        return null;
    }

    /// <summary>The device of a per-device key.</summary>
    public static string DeviceOf(string key) => key[(key.IndexOf('/') + 1)..];

    private static string Clip(string s) => s.Length <= 80 ? s : s[..80] + "…";
}

public enum SiteEntryKind
{
    Mode,
    Alarms,
    Budget,
    Commands,
}
