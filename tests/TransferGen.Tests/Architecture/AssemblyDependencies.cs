using System.Reflection;
using System.Reflection.Emit;

namespace TransferGen.Tests.Architecture;

/// <summary>One type's use of another: <paramref name="From"/> references <paramref name="To"/> through <paramref name="Via"/>.</summary>
public sealed record TypeEdge(Type From, Type To, string Via);

/// <summary>
/// The types each type of an assembly references: its base type and interfaces, generic arguments and constraints,
/// fields, properties, events, method and constructor signatures, attributes, local variables, catch clauses and
/// every type, method or field token in its method bodies' IL. Nested types (lambdas' closures, iterators, async
/// state machines) are walked as types of their own; their namespace is that of the type that declares them.
/// </summary>
public static class AssemblyDependencies
{
    const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance |
                                  BindingFlags.Static | BindingFlags.DeclaredOnly;

    // Operand size of every opcode that carries a fixed-size operand, keyed by its value; switch is handled apart.
    static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(op => op.Value);

    /// <summary>Every reference from a type of <paramref name="assembly"/> to a type of the same assembly.</summary>
    public static IEnumerable<TypeEdge> Edges(Assembly assembly) =>
        assembly.GetTypes().SelectMany(type => References(type).Where(e => e.To.Assembly == assembly));

    /// <summary>
    /// One message per layer violation among <paramref name="edges"/>, naming the type, what it uses and how: a type
    /// of the library's namespace TransferGen.X may use only types of X, of lower layers and of the root namespace.
    /// Types outside the library's namespaces (compiler-emitted helpers such as &lt;PrivateImplementationDetails&gt;)
    /// are not checked.
    /// </summary>
    public static IReadOnlyList<string> Violations(IEnumerable<TypeEdge> edges)
    {
        var messages = new List<string>();
        foreach (var group in edges.GroupBy(e => (e.From, e.To)).OrderBy(g => g.Key.From.FullName, StringComparer.Ordinal))
        {
            var (from, to) = group.Key;
            var fromLayer = Layers.LayerOf(from.Namespace);
            var toLayer = Layers.LayerOf(to.Namespace);
            if (fromLayer is null || toLayer is null) continue;
            if (Layers.Violation(fromLayer, toLayer) is { } why)
                messages.Add($"{from.FullName} uses {to.FullName} (namespace {to.Namespace}) via {string.Join("; ", group.Select(e => e.Via).Distinct().Take(3))}: {why}");
        }
        foreach (var layer in edges.SelectMany(e => new[] { e.From, e.To }).Select(t => Layers.LayerOf(t.Namespace)).OfType<string>().Distinct())
            if (!Layers.IsKnown(layer))
                messages.Add($"namespace layer '{layer}' is not in the layer table (add it to Tests/Architecture/Layers.cs)");
        return messages;
    }

    /// <summary>The types <paramref name="type"/> references (any assembly), without its nested types' references.</summary>
    public static IEnumerable<TypeEdge> References(Type type)
    {
        var found = new List<TypeEdge>();
        void Add(Type? t, string via)
        {
            foreach (var part in Parts(t)) found.Add(new TypeEdge(type, part, via));
        }

        Add(type.BaseType, "base type");
        foreach (var i in type.GetInterfaces()) Add(i, "interface");
        if (type.IsGenericTypeDefinition)
            foreach (var p in type.GetGenericArguments())
                foreach (var c in p.GetGenericParameterConstraints()) Add(c, $"constraint on {p.Name}");
        foreach (var a in type.GetCustomAttributesData()) AddAttribute(a, "attribute", Add);
        foreach (var nested in type.GetNestedTypes(Declared)) Add(nested, "nested type");

        foreach (var f in type.GetFields(Declared))
        {
            Add(f.FieldType, $"field {f.Name}");
            foreach (var a in f.GetCustomAttributesData()) AddAttribute(a, $"attribute of field {f.Name}", Add);
        }
        foreach (var p in type.GetProperties(Declared))
        {
            Add(p.PropertyType, $"property {p.Name}");
            foreach (var i in p.GetIndexParameters()) Add(i.ParameterType, $"indexer {p.Name}");
            foreach (var a in p.GetCustomAttributesData()) AddAttribute(a, $"attribute of property {p.Name}", Add);
        }
        foreach (var e in type.GetEvents(Declared)) Add(e.EventHandlerType, $"event {e.Name}");

        var methods = type.GetMethods(Declared).Cast<MethodBase>().Concat(type.GetConstructors(Declared));
        foreach (var m in methods)
        {
            var where = $"{(m is ConstructorInfo ? "constructor" : "method " + m.Name)}";
            if (m is MethodInfo mi) Add(mi.ReturnType, $"return type of {where}");
            foreach (var p in m.GetParameters())
            {
                Add(p.ParameterType, $"parameter {p.Name} of {where}");
                foreach (var a in p.GetCustomAttributesData()) AddAttribute(a, $"attribute of parameter {p.Name} of {where}", Add);
            }
            if (m.IsGenericMethodDefinition)
                foreach (var g in m.GetGenericArguments())
                    foreach (var c in g.GetGenericParameterConstraints()) Add(c, $"constraint on {g.Name} of {where}");
            foreach (var a in m.GetCustomAttributesData()) AddAttribute(a, $"attribute of {where}", Add);
            Body(m, where, Add);
        }
        return found;
    }

    static void AddAttribute(CustomAttributeData a, string via, Action<Type?, string> add)
    {
        add(a.AttributeType, via);
        foreach (var arg in a.ConstructorArguments.Concat(a.NamedArguments.Select(n => n.TypedValue)))
            AddAttributeValue(arg, via, add);
    }

    static void AddAttributeValue(CustomAttributeTypedArgument arg, string via, Action<Type?, string> add)
    {
        add(arg.ArgumentType, via);
        if (arg.Value is Type t) add(t, $"typeof in {via}");
        if (arg.Value is IEnumerable<CustomAttributeTypedArgument> items)
            foreach (var item in items) AddAttributeValue(item, via, add);
    }

    /// <summary>Local variables, catch clauses and the tokens of <paramref name="method"/>'s IL.</summary>
    static void Body(MethodBase method, string where, Action<Type?, string> add)
    {
        MethodBody? body;
        try { body = method.GetMethodBody(); }
        catch (Exception e) when (e is InvalidOperationException or NotSupportedException) { return; }
        if (body is null) return;   // abstract, extern, interface method
        foreach (var local in body.LocalVariables) add(local.LocalType, $"local variable of {where}");
        foreach (var clause in body.ExceptionHandlingClauses)
            if (clause.Flags == ExceptionHandlingClauseOptions.Clause) add(clause.CatchType, $"catch clause of {where}");

        var il = body.GetILAsByteArray();
        if (il is null) return;
        var module = method.Module;
        var typeArgs = method.DeclaringType is { IsGenericType: true } d ? d.GetGenericArguments() : null;
        var methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
        var via = $"body of {where}";
        var pos = 0;
        while (pos < il.Length)
        {
            short value = il[pos++];
            if (value == 0xFE) value = unchecked((short)(0xFE00 | il[pos++]));
            if (!OpCodesByValue.TryGetValue(value, out var op))
                throw new InvalidOperationException($"{method.DeclaringType}.{method.Name}: unknown IL opcode 0x{value:X} at {pos}");
            switch (op.OperandType)
            {
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                    pos += 1;
                    break;
                case OperandType.InlineVar:
                    pos += 2;
                    break;
                case OperandType.InlineI8 or OperandType.InlineR:
                    pos += 8;
                    break;
                case OperandType.InlineSwitch:
                    var targets = BitConverter.ToInt32(il, pos);
                    pos += 4 + 4 * targets;
                    break;
                case OperandType.InlineType or OperandType.InlineTok or OperandType.InlineMethod or OperandType.InlineField:
                    var token = BitConverter.ToInt32(il, pos);
                    pos += 4;
                    AddToken(module, token, typeArgs, methodArgs, via, add);
                    break;
                default:   // InlineBrTarget, InlineI, ShortInlineR, InlineString, InlineSig: 4 bytes, no type to follow
                    pos += 4;
                    break;
            }
        }
    }

    static void AddToken(Module module, int token, Type[]? typeArgs, Type[]? methodArgs, string via, Action<Type?, string> add)
    {
        MemberInfo? member;
        try { member = module.ResolveMember(token, typeArgs, methodArgs); }
        catch (Exception e) when (e is ArgumentException or BadImageFormatException or TypeLoadException or FileNotFoundException)
        {
            throw new InvalidOperationException($"{via}: cannot resolve metadata token 0x{token:X8}: {e.Message}", e);
        }
        switch (member)
        {
            case Type t:
                add(t, via);
                break;
            case FieldInfo f:
                add(f.DeclaringType, via);
                add(f.FieldType, via);
                break;
            case MethodBase m:
                add(m.DeclaringType, via);
                if (m is MethodInfo mi)
                {
                    add(mi.ReturnType, via);
                    if (mi.IsGenericMethod) foreach (var g in mi.GetGenericArguments()) add(g, via);
                }
                foreach (var p in m.GetParameters()) add(p.ParameterType, via);
                break;
        }
    }

    /// <summary>
    /// The named types inside <paramref name="type"/>: itself, or for arrays, pointers, by-refs and constructed
    /// generics their element type and arguments (generic parameters are nothing of their own).
    /// </summary>
    static IEnumerable<Type> Parts(Type? type)
    {
        if (type is null || type.IsGenericParameter) yield break;
        if (type.HasElementType)
        {
            foreach (var part in Parts(type.GetElementType())) yield return part;
            yield break;
        }
        if (type.IsGenericType && !type.IsGenericTypeDefinition)
        {
            yield return type.GetGenericTypeDefinition();
            foreach (var arg in type.GetGenericArguments())
                foreach (var part in Parts(arg)) yield return part;
            yield break;
        }
        yield return type;
    }
}
