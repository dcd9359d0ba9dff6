using System.Buffers.Binary;
using System.Text;
using TransferGen.Benchmarks.Fuzzing;

namespace TransferGen.Tests.Benchmarks;

/// <summary>The fuzzer's mutations: seeded, and each does the damage its name says.</summary>
public sealed class FuzzMutationTests
{
    static readonly byte[] Seed = [.. Enumerable.Range(0, 300).Select(i => (byte)(i * 7))];

    [Fact]
    public void The_same_seed_gives_the_same_damage_and_another_seed_other_damage()
    {
        var a = FuzzMutations.Apply(Seed, FuzzMutationKind.BitFlip, [], false, new Random(5));
        var b = FuzzMutations.Apply(Seed, FuzzMutationKind.BitFlip, [], false, new Random(5));
        var c = FuzzMutations.Apply(Seed, FuzzMutationKind.BitFlip, [], false, new Random(6));
        Assert.Equal(a.Bytes, b.Bytes);
        Assert.Equal(a.Description, b.Description);
        Assert.NotEqual(a.Bytes, c.Bytes);
    }

    [Fact]
    public void Each_kind_damages_the_file_as_named()
    {
        for (var s = 0; s < 50; s++)
        {
            var flipped = FuzzMutations.Apply(Seed, FuzzMutationKind.BitFlip, [], false, new Random(s)).Bytes;
            Assert.Equal(Seed.Length, flipped.Length);
            var flippedBits = Seed.Zip(flipped).Sum(p => System.Numerics.BitOperations.PopCount((uint)(p.First ^ p.Second)));
            Assert.InRange(flippedBits, 1, 8);   // two flips of one bit cancel, so at least one of them must show
            Assert.True(FuzzMutations.Apply(Seed, FuzzMutationKind.Truncate, [], false, new Random(s)).Bytes.Length < Seed.Length);
            var appended = FuzzMutations.Apply(Seed, FuzzMutationKind.GarbageAppend, [], false, new Random(s)).Bytes;
            Assert.True(appended.Length > Seed.Length);
            Assert.Equal(Seed, appended[..Seed.Length]);
        }
    }

    [Fact]
    public void A_dimension_mutation_writes_only_a_known_field()
    {
        FuzzField field = new(8, 4, BigEndian: true);
        for (var s = 0; s < 30; s++)
        {
            var bytes = FuzzMutations.Apply(Seed, FuzzMutationKind.DimensionField, [field], false, new Random(s)).Bytes;
            Assert.Equal(Seed[..8], bytes[..8]);
            Assert.Equal(Seed[12..], bytes[12..]);
        }
    }

    [Fact]
    public void In_json_a_dimension_mutation_replaces_a_number_literal()
    {
        var json = Encoding.UTF8.GetBytes("""{"epochs": 5, "name": "a7"}""");
        var mutated = Encoding.UTF8.GetString(FuzzMutations.Apply(json, FuzzMutationKind.DimensionField, [], true, new Random(1)).Bytes);
        Assert.DoesNotContain("\"epochs\": 5,", mutated);
        Assert.StartsWith("{\"epochs\": ", mutated);
    }

    [Fact]
    public void Cases_reproduce_from_the_run_seed_and_the_case_number()
    {
        var target = new FuzzTarget("png", "", "x.png", _ => { }) { Fields = [new(16, 4, true)] };
        var first = FuzzHarness.Mutate(target, Seed, seed: 3, k: 17);
        Assert.Equal(first.Bytes, FuzzHarness.Mutate(target, Seed, seed: 3, k: 17).Bytes);
        Assert.NotEqual(first.Bytes, FuzzHarness.Mutate(target, Seed, seed: 4, k: 17).Bytes);
    }
}
