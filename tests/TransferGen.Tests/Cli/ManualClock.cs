namespace TransferGen.Tests.Cli;

/// <summary>A clock that moves only when told to, so progress arithmetic can be checked exactly.</summary>
public sealed class ManualClock : TimeProvider
{
    long _ticks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => _ticks;

    public void Advance(TimeSpan by) => _ticks += by.Ticks;

    public void Advance(double seconds) => Advance(TimeSpan.FromSeconds(seconds));
}
