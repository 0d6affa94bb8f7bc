namespace Mesh.Inference.Anomaly;

/// <summary>
/// Which devices train the model, which pick its epoch, and which only judge it. Splitting by device, not by
/// reading, is the point: a held-out device's offsets and drift were never seen, as with a newly installed room.
/// </summary>
public sealed record DeviceSplit(IReadOnlyList<int> Training, IReadOnlyList<int> Validation, IReadOnlyList<int> HeldOut)
{
    /// <summary>Shuffles the devices with the seed, then takes held-out, validation, and the rest for training;
    /// every part gets at least one device.</summary>
    public static DeviceSplit Of(int devices, int seed, double validationShare = 0.1, double heldOutShare = 0.2)
    {
        if (devices < 3)
            throw new ArgumentException($"Splitting needs at least 3 devices (was {devices}).", nameof(devices));
        var order = Enumerable.Range(0, devices).ToList();
        new SeededRandom(seed, stream: -1).Shuffle(order);
        int heldOut = Math.Clamp((int)Math.Round(devices * heldOutShare), 1, devices - 2);
        int validation = Math.Clamp((int)Math.Round(devices * validationShare), 1, devices - heldOut - 1);
        return new DeviceSplit(
            order.Skip(heldOut + validation).Order().ToList(),
            order.Skip(heldOut).Take(validation).Order().ToList(),
            order.Take(heldOut).Order().ToList());
    }

    /// <summary>The samples of the given devices, in their original order.</summary>
    public static IReadOnlyList<SensorSample> Select(IReadOnlyList<SensorSample> samples, IReadOnlyList<int> devices)
    {
        var wanted = devices.ToHashSet();
        return samples.Where(s => wanted.Contains(s.Device)).ToList();
    }
}
