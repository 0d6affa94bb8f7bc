namespace Mesh.Cli.NodeDoctor;

public enum DoctorLevel
{
    Ok,
    Warn,
    Fail,
}

/// <summary>What one check of <c>mesh node doctor</c> found, and what to do about it when it is not ok.</summary>
public sealed record DoctorFinding(string Check, DoctorLevel Level, string What, string? Fix = null)
{
    public static DoctorFinding Ok(string check, string what) => new(check, DoctorLevel.Ok, what);

    public static DoctorFinding Warn(string check, string what, string fix) => new(check, DoctorLevel.Warn, what, fix);

    public static DoctorFinding Fail(string check, string what, string fix) => new(check, DoctorLevel.Fail, what, fix);

    public override string ToString()
    {
        var level = Level switch { DoctorLevel.Ok => "ok  ", DoctorLevel.Warn => "warn", _ => "FAIL" };
        return Fix is null ? $"{level}  {Check,-12} {What}" : $"{level}  {Check,-12} {What}\n      {"",-12} fix: {Fix}";
    }
}
