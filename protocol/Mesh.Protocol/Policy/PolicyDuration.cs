using System.Globalization;
using System.Text.RegularExpressions;

namespace Mesh.Protocol.Policy;

/// <summary>Durations as policy files write them: an integer and a unit, <c>ms</c>, <c>s</c>, <c>m</c>, <c>h</c> or
/// <c>d</c> (<c>500ms</c>, <c>30s</c>, <c>15m</c>, <c>1h</c>, <c>2d</c>). Nothing else (no fractions, signs or spaces).</summary>
public static partial class PolicyDuration
{
    /// <summary>The expected form, for error messages.</summary>
    public const string ExpectedForm = "an integer and a unit (ms, s, m, h or d), for example 500ms, 30s, 15m, 1h or 2d";

    /// <summary>Parses <paramref name="text"/>; on failure <paramref name="problem"/> says why. Zero parses (callers
    /// that need a positive duration check that themselves).</summary>
    public static bool TryParse(string text, out TimeSpan value, out string? problem)
    {
        value = default;
        var match = Pattern().Match(text);
        if (!match.Success)
        {
            problem = $"expected a duration: {ExpectedForm}; found '{text}'";
            return false;
        }
        var ticksPerUnit = match.Groups[2].Value switch
        {
            "ms" => TimeSpan.TicksPerMillisecond,
            "s" => TimeSpan.TicksPerSecond,
            "m" => TimeSpan.TicksPerMinute,
            "h" => TimeSpan.TicksPerHour,
            _ => TimeSpan.TicksPerDay,
        };
        if (!long.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            || count > TimeSpan.MaxValue.Ticks / ticksPerUnit)
        {
            problem = $"the duration '{text}' is too long";
            return false;
        }
        value = TimeSpan.FromTicks(count * ticksPerUnit);
        problem = null;
        return true;
    }

    /// <summary>The shortest exact form (<c>90s</c> → <c>90s</c>, <c>3600s</c> → <c>1h</c>); whole milliseconds only
    /// round-trip, anything finer is written in <see cref="TimeSpan"/>'s own format.</summary>
    public static string Format(TimeSpan value)
    {
        var ticks = value.Ticks;
        if (ticks < 0 || ticks % TimeSpan.TicksPerMillisecond != 0)
            return value.ToString("c", CultureInfo.InvariantCulture);
        if (ticks == 0)
            return "0s";
        foreach (var (unit, per) in Units)
            if (ticks % per == 0)
                return (ticks / per).ToString(CultureInfo.InvariantCulture) + unit;
        throw new InvalidOperationException("unreachable: milliseconds divide every whole-millisecond duration");
    }

    private static readonly (string Unit, long Ticks)[] Units =
    [
        ("d", TimeSpan.TicksPerDay),
        ("h", TimeSpan.TicksPerHour),
        ("m", TimeSpan.TicksPerMinute),
        ("s", TimeSpan.TicksPerSecond),
        ("ms", TimeSpan.TicksPerMillisecond),
    ];

    [GeneratedRegex(@"^([0-9]+)(ms|s|m|h|d)\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
