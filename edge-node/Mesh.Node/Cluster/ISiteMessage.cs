namespace Mesh.Node.Cluster;

/// <summary>Marks what crosses between the members of a site; <see cref="SiteSerializer"/> encodes it.</summary>
public interface ISiteMessage;
