namespace Mesh.Protocol.Profiles;

/// <summary>Where a box runs: at a site (<c>edge</c>) or in a cloud region (<c>cloud</c>). Data residency rules
/// (raw readings may not leave the site) exclude cloud targets.</summary>
public enum ProfileLocation { Edge, Cloud }
