namespace Mesh.Protocol.Profiles;

/// <summary>The CPU architecture of a box (<c>x64</c> or <c>arm64</c>).</summary>
public enum CpuArchitecture { X64, Arm64 }
