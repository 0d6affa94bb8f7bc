using System.Globalization;

namespace Mesh.Node.Decisions;

/// <summary>
/// A deterministic rule: when <see cref="Metric"/> rises above <see cref="Above"/> the device is sent
/// <see cref="OnAction"/>; once it falls below <c>Above - Hysteresis</c> it is sent <see cref="OffAction"/>.
/// </summary>
public sealed record ThresholdRule
{
    public static readonly ThresholdRule DefaultCooling = new()
    {
        Name = "overheat",
        Metric = "temperature",
        Above = 30.0,
        Hysteresis = 1.0,
        OnAction = "cooling-on",
        OffAction = "cooling-off",
    };

    public string Name { get; init; } = "";

    public string Metric { get; init; } = "";

    public double Above { get; init; }

    /// <summary>How far below <see cref="Above"/> the metric must fall to switch off (avoids flapping). Default 1.</summary>
    public double Hysteresis { get; init; } = 1.0;

    public string OnAction { get; init; } = "";

    /// <summary>Action when the condition clears; empty for none.</summary>
    public string OffAction { get; init; } = "";

    public string? Validate()
    {
        if (string.IsNullOrWhiteSpace(Name)) return "Name is required";
        if (string.IsNullOrWhiteSpace(Metric)) return $"rule '{Name}': Metric is required";
        if (!double.IsFinite(Above)) return $"rule '{Name}': Above must be a finite number";
        if (!double.IsFinite(Hysteresis) || Hysteresis < 0) return $"rule '{Name}': Hysteresis must be a finite number >= 0";
        if (string.IsNullOrWhiteSpace(OnAction)) return $"rule '{Name}': OnAction is required";
        return null;
    }
}
