namespace Mesh.Inference.Anomaly;

/// <summary>What, if anything, is wrong with a generated reading. See docs/MODELS.md for magnitudes.</summary>
public enum FaultKind
{
    /// <summary>A normal reading (slow sensor drift included: it is not a fault).</summary>
    None = 0,

    /// <summary>One sensor jumps for one reading (a glitch); the others are unaffected.</summary>
    Spike,

    /// <summary>A sensor reads exactly zero. For power this is the cooler failing: no power, no compressor
    /// vibration, and a room already warmer than it should be.</summary>
    StuckAtZero,

    /// <summary>Compressor vibration well above what its power draw explains: bearing wear.</summary>
    VibrationDecoupling,

    /// <summary>Power (and with it vibration) well above what time of day and room temperature explain, with the
    /// room normal or slightly cold: a refrigerant leak or a stuck defrost cycle.</summary>
    PowerDecoupling,

    /// <summary>Humidity jumps while the room warms a little: the door was left open.</summary>
    HumidityJump,

    /// <summary>The room itself is far too warm or too cold, with the couplings intact.</summary>
    TemperatureExcursion,
}
