package dev.inlierq.cli; public class Main { public static void main(String[] a){} }
